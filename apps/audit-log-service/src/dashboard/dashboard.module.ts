import { DynamicModule, Module } from '@nestjs/common';
import { DashboardController, DASHBOARD_FILES } from './dashboard.controller';
import { BUILT_DASHBOARD_DIR, DashboardFiles } from './dashboard-files';

/**
 * The ops dashboard served by the audit-log-service at /dashboard: the front-end built from
 * apps/audit-dashboard (Vite) into dist/audit-dashboard, read once at start.
 */
@Module({})
export class DashboardModule {
  static forRoot(dir: string = BUILT_DASHBOARD_DIR): DynamicModule {
    return {
      module: DashboardModule,
      controllers: [DashboardController],
      providers: [{ provide: DASHBOARD_FILES, useFactory: () => DashboardFiles.load(dir) }],
    };
  }
}
