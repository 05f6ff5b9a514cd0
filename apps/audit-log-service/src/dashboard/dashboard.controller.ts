import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AuditRoutes } from '@app/contracts';
import type { DashboardFile, DashboardFiles } from './dashboard-files';

export const DASHBOARD_FILES = Symbol('DASHBOARD_FILES');

/**
 * Only this origin's own files and API: no inline script or style, no framing, no plugins. The
 * chart draws on a canvas; its library sets styles through the CSSOM, which CSP does not restrict.
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

/**
 * The ops dashboard: the page built from apps/audit-dashboard and its hashed assets. Not
 * authenticated: it holds no data; the credential typed into it goes as a bearer to the audit
 * API, which checks it. The page is never cached (a release is picked up at once); an asset's
 * name changes with its content, so it is cached for good.
 */
@Controller(AuditRoutes.dashboard)
export class DashboardController {
  constructor(@Inject(DASHBOARD_FILES) private readonly files: DashboardFiles) {}

  @Get()
  page(@Res() reply: FastifyReply): FastifyReply {
    if (!this.files.page)
      return send(reply, 503, { body: Buffer.from('The dashboard is not built: run `npm run build`.\n'), contentType: 'text/plain; charset=utf-8' }, 'no-cache');
    return send(reply, 200, this.files.page, 'no-cache');
  }

  @Get('assets/:name')
  asset(@Param('name') name: string, @Res() reply: FastifyReply): FastifyReply {
    const file = this.files.asset(name);
    if (!file) return send(reply, 404, { body: Buffer.from('not found\n'), contentType: 'text/plain; charset=utf-8' }, 'no-cache');
    return send(reply, 200, file, 'public, max-age=31536000, immutable');
  }
}

function send(reply: FastifyReply, status: number, file: DashboardFile, cacheControl: string): FastifyReply {
  return reply
    .status(status)
    .header('content-type', file.contentType)
    .header('content-security-policy', DASHBOARD_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', cacheControl)
    .send(file.body);
}
