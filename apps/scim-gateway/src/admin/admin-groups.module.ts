import { DynamicModule, Module } from '@nestjs/common';
import { AdminGroupsController } from './admin-groups.controller';
import { AdminTokenGuard } from './admin-token.guard';
import { ADMIN_OPTIONS, type AdminOptions } from './admin.options';

/** Admin endpoints for application-owned groups; imports the SCIM resources module for its Groups pipeline. */
@Module({})
export class AdminGroupsModule {
  static forRoot(options: AdminOptions, resourcesModule: DynamicModule): DynamicModule {
    return {
      module: AdminGroupsModule,
      imports: [resourcesModule],
      controllers: [AdminGroupsController],
      providers: [{ provide: ADMIN_OPTIONS, useValue: options }, AdminTokenGuard],
    };
  }
}
