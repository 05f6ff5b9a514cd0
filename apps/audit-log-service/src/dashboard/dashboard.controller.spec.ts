import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { DashboardModule } from './dashboard.module';

async function appServing(dir: string): Promise<NestFastifyApplication> {
  const moduleRef = await Test.createTestingModule({ imports: [DashboardModule.forRoot(dir)] }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

describe('dashboard files', () => {
  let dir: string;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dashboard-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><script type="module" src="/dashboard/assets/index-abc.js"></script>');
    writeFileSync(join(dir, 'assets', 'index-abc.js'), 'console.log(1)');
    writeFileSync(join(dir, 'assets', 'index-abc.css'), ':root{}');
    writeFileSync(join(dir, 'secret.txt'), 'not an asset');
    app = await appServing(dir);
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['/dashboard', 'text/html; charset=utf-8', '<!doctype html>', 'no-cache'],
    ['/dashboard/assets/index-abc.js', 'text/javascript; charset=utf-8', 'console.log', 'public, max-age=31536000, immutable'],
    ['/dashboard/assets/index-abc.css', 'text/css; charset=utf-8', ':root', 'public, max-age=31536000, immutable'],
  ])('serves %s as %s under a strict CSP, without a credential', async (url, contentType, start, cacheControl) => {
    const res = await app.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe(contentType);
    expect(res.headers['cache-control']).toBe(cacheControl);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const csp = String(res.headers['content-security-policy']);
    expect(csp.split('; ')).toEqual(expect.arrayContaining(["default-src 'self'", "script-src 'self'", "style-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"]));
    expect(csp).not.toContain('unsafe');
    expect(res.body).toContain(start);
  });

  it.each(['/dashboard/assets/other.js', '/dashboard/assets/..%2Fsecret.txt', '/dashboard/secret.txt', '/dashboard/assets/../secret.txt'])('answers 404 for %s', async (url) => {
    const res = await app.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain('not an asset');
  });

  it('answers 503 naming the build when the front-end was not built', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'dashboard-empty-'));
    const bare = await appServing(empty);
    try {
      const res = await bare.inject({ method: 'GET', url: '/dashboard' });
      expect(res.statusCode).toBe(503);
      expect(res.body).toContain('npm run build');
    } finally {
      await bare.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
