import { DynamicModule, Inject, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { RouterModule } from '@nestjs/core';
import type { Kafka } from 'kafkajs';
import type { Topics } from '@app/contracts';
import { TopicNames, TypedProducer } from '@app/messaging';
import { JsonLogger, READINESS_CHECKS, type ReadinessCheck } from '@app/observability';
import { KAFKA, LOGGER, TOPIC_NAMES, TYPED_PRODUCER, internalAuthHeaders } from '@app/runtime';
import { CommandBus } from '@app/commands';
import { normaliseBasePath } from '../edge/scim-edge.options';
import { GroupQueryClient } from '../groups/group-query.client';
import { groupResourceType } from '../groups/group-resource-type';
import { UserGroups } from '../groups/user-groups';
import { UserQueryClient } from '../users/user-query.client';
import { userResourceType } from '../users/user-resource-type';
import { scimResourceController } from './resource.controller';
import { ResourcePipeline, type ResourcePipelineOptions } from './resource-pipeline';
import type { CommandTopic, ResourceTenant } from './resource-type';
import { BulkController } from '../bulk/bulk.controller';
import { BulkProcessor } from '../bulk/bulk-processor';
import type { BulkLimits } from '../bulk/bulk-request';

/** Options of the gateway's SCIM resource endpoints (/Users, /Groups). */
export interface ScimResourcesOptions extends ResourcePipelineOptions {
  /** SCIM base path the controllers are mounted under (same as the edge's). */
  basePath: string;
  /** Base URLs of the owning services' internal query APIs. */
  userServiceUrl: string;
  groupServiceUrl: string;
  /** The service credential of the internal query APIs (docs/security.md). */
  internalApiToken?: string;
  /** Whether User.groups is filled from the group-membership-service. */
  userGroupsAttribute: boolean;
  /** Where owning services deliver decisions over HTTP (this instance's base URL); unset: the reply topic. */
  replyBaseUrl?: string;
  /** POST /Bulk limits (RFC 7644 §3.7.4), advertised in /ServiceProviderConfig. */
  bulk: BulkLimits;
}

export const USERS_PIPELINE = Symbol('USERS_PIPELINE');
export const GROUPS_PIPELINE = Symbol('GROUPS_PIPELINE');

/** Starts the command bus's reply consumer with the app (and in readiness), and stops it with the app. */
class CommandBusLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(CommandBus) private readonly bus: CommandBus,
    @Inject(READINESS_CHECKS) private readonly readiness: ReadinessCheck[],
  ) {}
  onApplicationBootstrap(): Promise<void> {
    this.readiness.push(this.bus.readinessCheck());
    return this.bus.start();
  }
  onApplicationShutdown(): Promise<void> {
    return this.bus.stop();
  }
}

/**
 * SCIM /Users, /Groups and /Bulk under the base path: one ResourcePipeline per resource type over one
 * command bus (one reply consumer per gateway instance). Needs ScimEdgeModule (auth, errors,
 * limits) at the root. Exports the Groups pipeline for the admin API's application-owned groups.
 */
@Module({})
export class ScimResourcesModule {
  static forRoot(options: ScimResourcesOptions): DynamicModule {
    const credential = options.internalApiToken === undefined ? {} : internalAuthHeaders(options.internalApiToken);
    const groupQueries = new GroupQueryClient(options.groupServiceUrl, options.decisionTimeoutMs, credential);
    const userQueries = new UserQueryClient(options.userServiceUrl, options.decisionTimeoutMs, credential);
    const userGroups = options.userGroupsAttribute ? new UserGroups(groupQueries) : null;
    return {
      module: ScimResourcesModule,
      imports: [RouterModule.register([{ path: normaliseBasePath(options.basePath), module: ScimResourcesModule }])],
      controllers: [scimResourceController('Users', USERS_PIPELINE), scimResourceController('Groups', GROUPS_PIPELINE), BulkController],
      providers: [
        {
          provide: CommandBus,
          inject: [KAFKA, TYPED_PRODUCER, TOPIC_NAMES, LOGGER],
          useFactory: (kafka: Kafka, producer: TypedProducer, topics: TopicNames, logger: JsonLogger) =>
            new CommandBus(kafka, producer, topics, logger.child('command-bus'), options.replyBaseUrl),
        },
        CommandBusLifecycle,
        {
          provide: GROUPS_PIPELINE,
          inject: [CommandBus, LOGGER],
          useFactory: (bus: CommandBus, logger: JsonLogger) => new ResourcePipeline(groupResourceType(groupQueries), bus, options, logger.child('groups')),
        },
        {
          provide: USERS_PIPELINE,
          inject: [CommandBus, LOGGER, GROUPS_PIPELINE],
          useFactory: (bus: CommandBus, logger: JsonLogger, groups: ResourcePipeline<typeof Topics.groupCommands>) => {
            // Where groups are deployed, a deleted user leaves them through the group service's own command.
            const leaveGroups = options.userGroupsAttribute
              ? async (tenant: Pick<ResourceTenant, 'id'>, userId: string) => {
                  await groups.decide(tenant, { type: 'group.member-deleted', payload: { userId } }, '');
                }
              : undefined;
            return new ResourcePipeline(userResourceType(userQueries, userGroups, leaveGroups), bus, options, logger.child('users'));
          },
        },
        {
          provide: BulkProcessor,
          inject: [USERS_PIPELINE, GROUPS_PIPELINE, LOGGER],
          useFactory: (users: ResourcePipeline<CommandTopic>, groups: ResourcePipeline<CommandTopic>, logger: JsonLogger) =>
            new BulkProcessor({ Users: users, Groups: groups }, options.bulk, logger.child('bulk')),
        },
      ],
      exports: [GROUPS_PIPELINE, CommandBus],
    };
  }
}
