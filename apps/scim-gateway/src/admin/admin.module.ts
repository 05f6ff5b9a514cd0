import { DynamicModule, Logger, Module } from '@nestjs/common';
import { AdminOAuthClientsController } from './admin-oauth-clients.controller';
import { AdminSchemasController } from './admin-schemas.controller';
import { TenantSchemas, TenantsService } from '../tenants/tenants.service';
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
      controllers: [AdminTenantsController, AdminOAuthClientsController, AdminSchemasController],
      providers: [
        { provide: ADMIN_OPTIONS, useValue: options },
        AdminTokenGuard,
        { provide: TenantSchemas, inject: [TenantsService], useFactory: (tenants: TenantsService) => new TenantSchemas(tenants) },
      ],
    };
  }
}
