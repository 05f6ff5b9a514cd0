import { AuditRoutes } from '@app/contracts';

/** Where the dashboard's page and its two assets are served (same origin as the API it calls). */
export const DASHBOARD_PAGE_PATH = AuditRoutes.dashboard;
export const DASHBOARD_SCRIPT_PATH = `${AuditRoutes.dashboard}/app.js`;
export const DASHBOARD_STYLES_PATH = `${AuditRoutes.dashboard}/app.css`;
