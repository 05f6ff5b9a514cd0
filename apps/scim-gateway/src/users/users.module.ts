import { DynamicModule, Inject, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { RouterModule } from '@nestjs/core';
import type { Kafka } from 'kafkajs';
import { TopicNames, TypedProducer } from '@app/messaging';
import { JsonLogger } from '@app/observability';
import { KAFKA, LOGGER, TOPIC_NAMES, TYPED_PRODUCER } from '@app/runtime';
import { CommandBus } from '../commands/command-bus';
import { normaliseBasePath } from '../http/scim-edge.options';
import { GroupQueryClient } from '../groups/group-query.client';
import { USER_GROUPS, UserGroups } from '../groups/user-groups';
import { UserQueryClient } from './user-query.client';
import { UserSchemaContexts } from './user-schema-contexts';
import { UsersController } from './users.controller';
import { SCIM_USERS_OPTIONS, ScimUsersOptions } from './users.options';
import { UsersService } from './users.service';

/** Starts the command bus's reply consumer with the app and stops it with the app. */
class CommandBusLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(CommandBus) private readonly bus: CommandBus) {}
  onApplicationBootstrap(): Promise<void> {
    return this.bus.start();
  }
  onApplicationShutdown(): Promise<void> {
    return this.bus.stop();
  }
}

/** SCIM /Users under the base path. Needs ScimEdgeModule (auth, errors, limits) at the root. */
@Module({})
export class ScimUsersModule {
  static forRoot(options: ScimUsersOptions): DynamicModule {
    return {
      module: ScimUsersModule,
      imports: [RouterModule.register([{ path: normaliseBasePath(options.basePath), module: ScimUsersModule }])],
      controllers: [UsersController],
      providers: [
        { provide: SCIM_USERS_OPTIONS, useValue: options },
        {
          provide: CommandBus,
          inject: [KAFKA, TYPED_PRODUCER, TOPIC_NAMES, LOGGER],
          useFactory: (kafka: Kafka, producer: TypedProducer, topics: TopicNames, logger: JsonLogger) =>
            new CommandBus(kafka, producer, topics, logger.child('command-bus')),
        },
        { provide: UserQueryClient, useFactory: () => new UserQueryClient(options.userServiceUrl, options.decisionTimeoutMs) },
        {
          provide: USER_GROUPS,
          useFactory: () => (options.groupServiceUrl ? new UserGroups(new GroupQueryClient(options.groupServiceUrl, options.decisionTimeoutMs)) : null),
        },
        UserSchemaContexts,
        UsersService,
        CommandBusLifecycle,
      ],
      exports: [CommandBus],
    };
  }
}
