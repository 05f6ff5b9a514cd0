import { Script } from 'node:vm';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { AuditRoutes } from '@app/contracts';
import { DashboardModule } from './dashboard.module';
import { DASHBOARD_HTML } from './dashboard.page';
import { DASHBOARD_API_ROUTES, DASHBOARD_SCRIPT } from './dashboard.script';

describe('dashboard files', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [DashboardModule] }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(() => app.close());

  it.each([
    ['/dashboard', 'text/html; charset=utf-8', '<!doctype html>'],
    ['/dashboard/app.js', 'text/javascript; charset=utf-8', "'use strict'"],
    ['/dashboard/app.css', 'text/css; charset=utf-8', ':root'],
  ])('serves %s as %s under a strict CSP, without a credential', async (url, contentType, start) => {
    const res = await app.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe(contentType);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const csp = String(res.headers['content-security-policy']);
    expect(csp.split('; ')).toEqual(expect.arrayContaining(["default-src 'self'", "script-src 'self'", "style-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"]));
    expect(csp).not.toContain('unsafe');
    expect(res.body).toContain(start);
  });

  it('answers 404 for any other file under /dashboard', async () => {
    expect((await app.inject({ method: 'GET', url: '/dashboard/other.js' })).statusCode).toBe(404);
  });
});

describe('dashboard page and script', () => {
  it('has no inline script, inline style or inline event handler (the CSP would block them)', () => {
    const scripts = DASHBOARD_HTML.match(/<script[^>]*>[\s\S]*?<\/script>/g) ?? [];
    expect(scripts).toEqual(['<script src="/dashboard/app.js" defer></script>']);
    expect(DASHBOARD_HTML).toContain('<link rel="stylesheet" href="/dashboard/app.css">');
    expect(DASHBOARD_HTML).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
  });

  it('is valid JavaScript that never writes markup', () => {
    expect(() => new Script(DASHBOARD_SCRIPT)).not.toThrow();
    expect(DASHBOARD_SCRIPT).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/);
  });

  it('only looks up elements that the page has', () => {
    const ids = [...DASHBOARD_SCRIPT.matchAll(/\$\('([a-z-]+)'\)/g)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThan(20);
    const missing = [...new Set(ids)].filter((id) => !DASHBOARD_HTML.includes(`id="${id}"`));
    expect(missing).toEqual([]);
  });

  it("fills the history path template exactly as the contract's AuditRoutes.history builds it", () => {
    const tenantId = 'tenant a/b?';
    const resourceId = 'id #1';
    const filled = DASHBOARD_API_ROUTES.userHistory
      .replace('__tenantId__', encodeURIComponent(tenantId))
      .replace('__resourceId__', encodeURIComponent(resourceId));
    expect(filled).toBe(AuditRoutes.history(tenantId, 'User', resourceId));
  });
});
