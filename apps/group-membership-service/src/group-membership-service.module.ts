import { Module } from '@nestjs/common';
import { SERVICE_CONFIG, internalAuthHeaders } from '@app/runtime';
import { CommandReplyPublisher, REPLY_SENDER } from '@app/commands';
import { GROUP_COMMAND_STORE } from './commands/group-command-store';
import { GroupCommandsConsumer } from './commands/group-commands.consumer';
import { GroupCommandsService } from './commands/group-commands.service';
import { GroupDecider } from './commands/group-decider';
import { CommandReplyRetention } from '@app/commands';
import { TypeOrmGroupCommandStore } from './persistence/group-command.repository';
import { GroupsQueryRepository } from './persistence/groups-query.repository';
import { GroupsQueryController } from './queries/groups-query.controller';
import { GroupsQueryService } from './queries/groups-query.service';
import { GroupMembershipServiceConfig } from './group-membership-service.config';
import { HttpUserDirectory, USER_DIRECTORY } from './users/user-directory';

/**
 * The group-membership-service's domain: SCIM Groups and memberships decided from commands
 * (Kafka, in batches), `known_users` kept from the user-service's events, and the internal query
 * API (HTTP) for the gateway's Group reads and User.groups.
 */
@Module({
  controllers: [GroupCommandsConsumer, GroupsQueryController],
  providers: [
    GroupDecider,
    GroupCommandsService,
    GroupsQueryService,
    GroupsQueryRepository,
    CommandReplyRetention,
    { provide: GROUP_COMMAND_STORE, useClass: TypeOrmGroupCommandStore },
    {
      provide: USER_DIRECTORY,
      inject: [SERVICE_CONFIG],
      useFactory: (config: GroupMembershipServiceConfig) => new HttpUserDirectory(config.USER_SERVICE_URL, 5000, internalAuthHeaders(config.INTERNAL_API_TOKEN)),
    },
    { provide: REPLY_SENDER, useClass: CommandReplyPublisher },
  ],
})
export class GroupMembershipServiceModule {}
