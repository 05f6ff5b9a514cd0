import { DynamicModule, Logger, Module } from '@nestjs/common';
import { AdminOAuthClientsController } from './admin-oauth-clients.controller';
import { AdminTenantsController } from './admin-tenants.controller';
import { AdminTokenGuard } from './admin-token.guard';
import { ADMIN_OPTIONS, type AdminOptions } from './admin.options';

/** The admin API under /admin/v1 (needs TenantsModule and OAuthModule, both global). */
@Module({})
export class AdminModule {
  static forRoot(options: AdminOptions): DynamicModule {
    if (!options.adminToken) new Logger('AdminModule').warn('ADMIN_TOKEN is not set: the admin API refuses every request');
    return {
      module: AdminModule,
      controllers: [AdminTenantsController, AdminOAuthClientsController],
      providers: [{ provide: ADMIN_OPTIONS, useValue: options }, AdminTokenGuard],
    };
  }
}
