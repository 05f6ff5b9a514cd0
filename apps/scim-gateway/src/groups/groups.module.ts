import { DynamicModule, Module } from '@nestjs/common';
import { RouterModule } from '@nestjs/core';
import { normaliseBasePath } from '../http/scim-edge.options';
import { GroupQueryClient } from './group-query.client';
import { GroupsController } from './groups.controller';
import { SCIM_GROUPS_OPTIONS, ScimGroupsOptions } from './groups.options';
import { GroupsService } from './groups.service';

/**
 * SCIM /Groups under the base path. Needs ScimEdgeModule at the root and a module exporting the
 * CommandBus (the Users module's dynamic module, passed in so both share one bus and its reply
 * consumer).
 */
@Module({})
export class ScimGroupsModule {
  static forRoot(options: ScimGroupsOptions, commandBusModule: DynamicModule): DynamicModule {
    return {
      module: ScimGroupsModule,
      imports: [commandBusModule, RouterModule.register([{ path: normaliseBasePath(options.basePath), module: ScimGroupsModule }])],
      controllers: [GroupsController],
      providers: [
        { provide: SCIM_GROUPS_OPTIONS, useValue: options },
        { provide: GroupQueryClient, useFactory: () => new GroupQueryClient(options.groupServiceUrl, options.decisionTimeoutMs) },
        GroupsService,
      ],
      exports: [GroupsService, GroupQueryClient],
    };
  }
}
