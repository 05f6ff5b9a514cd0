import { Module } from '@nestjs/common';
import { CommandReplyPublisher, REPLY_SENDER } from '@app/commands';
import { USER_COMMAND_STORE } from './commands/user-command-store';
import { UserCommandsConsumer } from './commands/user-commands.consumer';
import { UserCommandsService } from './commands/user-commands.service';
import { UserDecider } from './commands/user-decider';
import { UserSchemaContexts } from '@app/scim';
import { CommandReplyRetention } from '@app/commands';
import { TypeOrmUserCommandStore } from './persistence/user-command.repository';
import { UsersQueryRepository } from './persistence/users-query.repository';
import { UsersQueryController } from './queries/users-query.controller';
import { UsersQueryService } from './queries/users-query.service';

/**
 * The user-service's domain: SCIM Users decided from commands (Kafka, in batches) and read
 * through the internal query API (HTTP), each tenant's users in its own rows.
 */
@Module({
  controllers: [UserCommandsConsumer, UsersQueryController],
  providers: [
    { provide: UserSchemaContexts, useFactory: () => new UserSchemaContexts() },
    UserDecider,
    UserCommandsService,
    UsersQueryService,
    UsersQueryRepository,
    CommandReplyRetention,
    { provide: USER_COMMAND_STORE, useClass: TypeOrmUserCommandStore },
    { provide: REPLY_SENDER, useClass: CommandReplyPublisher },
  ],
})
export class UserServiceModule {}
