import { Module } from '@nestjs/common';
import { DashboardController } from './dashboard.controller';

/**
 * The ops dashboard served by the audit-log-service at /dashboard (see README.md beside this
 * file): plain HTML, CSS and JavaScript that call the audit API from the browser.
 */
@Module({ controllers: [DashboardController] })
export class DashboardModule {}
