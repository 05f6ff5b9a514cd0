import 'reflect-metadata';
import { Body, Controller, DynamicModule, Module, Post } from '@nestjs/common';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { openDatabase } from '@app/persistence';
import { SCIM_ERROR_SCHEMA } from '@app/scim';
import { AdminModule } from '../../apps/scim-gateway/src/admin/admin.module';
import { ScimDiscoveryModule } from '../../apps/scim-gateway/src/discovery/discovery.module';
import { OAuthModule } from '../../apps/scim-gateway/src/oauth/oauth.module';
import { GATEWAY_ENTITIES, GATEWAY_MIGRATIONS } from '../../apps/scim-gateway/src/scim-gateway.definition';
import { TenantsModule } from '../../apps/scim-gateway/src/tenants/tenants.module';
import { ScimEdgeModule } from '../../apps/scim-gateway/src/wiring/scim-edge.module';
import { dropTestDatabase, testDatabaseUrl } from './support/databases';
import { readInfra } from './support/test-infra';

/**
 * The gateway's admission control for writes across tenants (WriteAdmission), in a real Nest +
 * Fastify app over a real Postgres tenant registry, with a limit of two writes in flight and a
 * queue of one: writes past the limit wait in the queue and go through when a slot frees, writes
 * that find the queue full or wait too long are shed with a SCIM 429 + Retry-After, and reads
 * never wait. The writes are held inside their handler until the test releases them.
 */
const ADMIN_TOKEN = 'admin-secret-for-write-admission-0123456789';
const MAX_WAIT_MS = 1500;

const held: Array<() => void> = [];
const releaseHeld = () => held.splice(0).forEach((release) => release());

@Controller('scim/v2/HeldWrites')
class HeldWritesController {
  @Post()
  async hold(@Body() body: unknown): Promise<{ received: unknown }> {
    await new Promise<void>((resolve) => held.push(resolve));
    return { received: body };
  }
}

function databaseModule(dataSource: DataSource): DynamicModule {
  @Module({})
  class WriteAdmissionDatabaseModule {}
  return { module: WriteAdmissionDatabaseModule, global: true, providers: [{ provide: DataSource, useValue: dataSource }], exports: [DataSource] };
}

describe('write admission across tenants (real Nest + Fastify, real Postgres)', () => {
  const databaseUrl = testDatabaseUrl(readInfra().postgresUrl, 'write_admission');
  let dataSource: DataSource;
  let app: NestFastifyApplication;
  let base: string;
  const tokens: string[] = [];

  beforeAll(async () => {
    dataSource = await openDatabase({ url: databaseUrl, entities: [...GATEWAY_ENTITIES], migrations: [...GATEWAY_MIGRATIONS] });
    const moduleRef = await Test.createTestingModule({
      imports: [
        databaseModule(dataSource),
        TenantsModule.forRoot({ tokenCacheTtlMs: 30_000, tokenLastUsedIntervalMs: 200 }),
        OAuthModule.forRoot({ issuer: 'http://127.0.0.1', audience: 'http://127.0.0.1/scim/v2', accessTokenTtlSeconds: 600, keyRotationSeconds: 3600 }),
        ScimEdgeModule.forRoot({ basePath: '/scim/v2', writeAdmission: { minLimit: 2, maxLimit: 2, targetMs: 1000, maxQueue: 1, maxWaitMs: MAX_WAIT_MS } }),
        ScimDiscoveryModule.forRoot({ basePath: '/scim/v2', maxResults: 100, resourceTypes: ['User', 'Group'] }),
        AdminModule.forRoot({ adminToken: ADMIN_TOKEN }),
      ],
      controllers: [HeldWritesController],
    }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    for (const name of ['tenant a', 'tenant b', 'tenant c']) {
      const admin = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
      const tenant = (await (await fetch(`${base}/admin/v1/tenants`, { method: 'POST', headers: admin, body: JSON.stringify({ name, profile: {} }) })).json()) as { id: string };
      const issued = (await (await fetch(`${base}/admin/v1/tenants/${tenant.id}/tokens`, { method: 'POST', headers: admin, body: '{"name":"entra"}' })).json()) as {
        token: string;
      };
      tokens.push(issued.token);
    }
  });

  afterAll(async () => {
    releaseHeld();
    await app?.close();
    await dataSource?.destroy();
    await dropTestDatabase(databaseUrl);
  });

  const write = async (token: string) => {
    const response = await fetch(`${base}/scim/v2/HeldWrites`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
      body: '{"n":1}',
    });
    return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as Record<string, unknown> };
  };
  const read = async (token: string) => (await fetch(`${base}/scim/v2/ServiceProviderConfig`, { headers: { authorization: `Bearer ${token}` } })).status;
  const heldCount = async (n: number) => {
    for (let i = 0; i < 200 && held.length < n; i++) await new Promise((r) => setTimeout(r, 10));
    expect(held.length).toBe(n);
  };

  it('queues a write past the limit until a slot frees, sheds one that finds the queue full, never holds a read', async () => {
    const [a, b, c] = tokens as [string, string, string];
    const first = write(a);
    const second = write(b);
    await heldCount(2); // both slots taken, by two tenants
    const queued = write(c);
    await new Promise((r) => setTimeout(r, 100)); // the third write is now waiting in the queue
    const shed = await write(a);
    expect(shed).toEqual({ status: 429, retryAfter: '1', body: { schemas: [SCIM_ERROR_SCHEMA], status: '429', detail: expect.stringMatching(/at capacity for writes/) } });
    expect(await read(c)).toBe(200);
    expect(held.length).toBe(2); // the queued write has not reached its handler
    held.shift()!(); // the first write ends: its slot goes to the queued one
    expect((await first).status).toBe(201);
    await heldCount(2);
    releaseHeld();
    expect((await second).status).toBe(201);
    expect((await queued).status).toBe(201);
  });

  it('sheds a queued write that got no slot within the longest wait, then admits again', async () => {
    const [a, b, c] = tokens as [string, string, string];
    const holding = [write(a), write(b)];
    await heldCount(2);
    const waited = await write(c);
    expect(waited.status).toBe(429);
    expect(waited.retryAfter).toBe('1');
    releaseHeld();
    for (const w of holding) expect((await w).status).toBe(201);
    const again = write(c);
    await heldCount(1);
    releaseHeld();
    expect((await again).status).toBe(201);
  });
});
