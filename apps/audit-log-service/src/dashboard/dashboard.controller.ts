import { applyDecorators, Controller, Get, Header } from '@nestjs/common';
import { AuditRoutes } from '@app/contracts';
import { DASHBOARD_HTML } from './dashboard.page';
import { DASHBOARD_SCRIPT } from './dashboard.script';
import { DASHBOARD_CSS } from './dashboard.styles';

/**
 * Only this origin's own files and API: no inline script or style, no framing, no plugins. The
 * page draws its chart as SVG elements built by the script, which CSP does not restrict.
 */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers every dashboard file is served with. no-cache: a new release is picked up at once. */
function DashboardFile(contentType: string) {
  return applyDecorators(
    Header('content-type', contentType),
    Header('content-security-policy', DASHBOARD_CSP),
    Header('x-content-type-options', 'nosniff'),
    Header('referrer-policy', 'no-referrer'),
    Header('cache-control', 'no-cache'),
  );
}

/**
 * The ops dashboard: a static page and its script and stylesheet. Not authenticated: it holds no
 * data; the credential typed into it goes as a bearer to the audit API, which checks it.
 */
@Controller(AuditRoutes.dashboard)
export class DashboardController {
  @Get()
  @DashboardFile('text/html; charset=utf-8')
  page(): string {
    return DASHBOARD_HTML;
  }

  @Get('app.js')
  @DashboardFile('text/javascript; charset=utf-8')
  script(): string {
    return DASHBOARD_SCRIPT;
  }

  @Get('app.css')
  @DashboardFile('text/css; charset=utf-8')
  styles(): string {
    return DASHBOARD_CSS;
  }
}
