import 'reflect-metadata';
import { Body, Controller, DynamicModule, Module, Post } from '@nestjs/common';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { openDatabase } from '@app/persistence';
import { ENTERPRISE_USER_SCHEMA, GENESYS_USER_SCHEMA, SCIM_ERROR_SCHEMA, USER_SCHEMA } from '@app/scim';
import { AdminModule } from '../../apps/scim-gateway/src/admin/admin.module';
import { ScimDiscoveryModule } from '../../apps/scim-gateway/src/discovery/discovery.module';
import { OAuthModule } from '../../apps/scim-gateway/src/oauth/oauth.module';
import { ScimEdgeModule } from '../../apps/scim-gateway/src/wiring/scim-edge.module';
import { GATEWAY_ENTITIES, GATEWAY_MIGRATIONS } from '../../apps/scim-gateway/src/scim-gateway.definition';
import { TenantsModule } from '../../apps/scim-gateway/src/tenants/tenants.module';
import { dropTestDatabase, testDatabaseUrl } from './support/databases';
import { readInfra } from './support/test-infra';

/**
 * The gateway's edge in a real Nest + Fastify app over a real Postgres database: admin API,
 * bearer auth, per-tenant discovery, rate limits, body parsing and SCIM error bodies, all over
 * HTTP as Entra would see them.
 */
const ADMIN_TOKEN = 'admin-secret-for-medium-tests-0123456789';
const BODY_LIMIT = 4096;
const SCIM_TYPE = 'application/scim+json; charset=utf-8';

/** A write route under the SCIM base path whose completion the test controls (for write slots). */
let releaseHeldWrites: () => void = () => undefined;
const heldWrites = new Promise<void>((resolve) => (releaseHeldWrites = resolve));

@Controller('scim/v2/TestWrites')
class TestWritesController {
  @Post()
  async hold(@Body() body: unknown): Promise<{ received: unknown }> {
    await heldWrites;
    return { received: body };
  }

  @Post('echo')
  echo(@Body() body: unknown): { received: unknown } {
    return { received: body };
  }

  @Post('fail')
  fail(): never {
    throw new Error('database password is hunter2');
  }
}

function databaseModule(dataSource: DataSource): DynamicModule {
  @Module({})
  class TestDatabaseModule {}
  return { module: TestDatabaseModule, global: true, providers: [{ provide: DataSource, useValue: dataSource }], exports: [DataSource] };
}

describe('gateway edge over HTTP (real Postgres)', () => {
  const infra = readInfra();
  const databaseUrl = testDatabaseUrl(infra.postgresUrl, 'gateway_edge');
  let dataSource: DataSource;
  let app: NestFastifyApplication;
  let base: string;
  /** Every SCIM response the tests saw, to check their content type once at the end. */
  const scimResponses: Array<{ url: string; status: number; type: string | null }> = [];

  beforeAll(async () => {
    dataSource = await openDatabase({ url: databaseUrl, entities: [...GATEWAY_ENTITIES], migrations: [...GATEWAY_MIGRATIONS] });
    const moduleRef = await Test.createTestingModule({
      imports: [
        databaseModule(dataSource),
        TenantsModule.forRoot({ tokenCacheTtlMs: 30_000, tokenLastUsedIntervalMs: 200 }),
        OAuthModule.forRoot({ issuer: 'http://127.0.0.1', audience: 'http://127.0.0.1/scim/v2', accessTokenTtlSeconds: 600, keyRotationSeconds: 3600 }),
        // Limits shared through the database, as the gateway runs them (one bucket row per tenant).
        ScimEdgeModule.forRoot({ basePath: '/scim/v2', bodyLimitBytes: BODY_LIMIT, rateLimitScope: 'shared' }),
        ScimDiscoveryModule.forRoot({ basePath: '/scim/v2', maxResults: 150, resourceTypes: ['User', 'Group'] }),
        AdminModule.forRoot({ adminToken: ADMIN_TOKEN }),
      ],
      controllers: [TestWritesController],
    }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });

  afterAll(async () => {
    releaseHeldWrites();
    await app?.close();
    await dataSource?.destroy();
    await dropTestDatabase(databaseUrl);
  });

  async function admin(method: string, path: string, body?: unknown, token = ADMIN_TOKEN) {
    const response = await fetch(`${base}/admin/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, any> };
  }

  async function scim(path: string, init: { token?: string; method?: string; body?: string; headers?: Record<string, string> } = {}) {
    const headers: Record<string, string> = { ...(init.token ? { authorization: `Bearer ${init.token}` } : {}), ...init.headers };
    const response = await fetch(`${base}/scim/v2${path}`, { method: init.method ?? 'GET', headers, body: init.body });
    const text = await response.text();
    scimResponses.push({ url: path, status: response.status, type: response.headers.get('content-type') });
    return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : undefined) as Record<string, any> };
  }

  async function tenantWithToken(name: string, profile: Record<string, unknown>) {
    const created = await admin('POST', '/tenants', { name, profile });
    expect(created.status).toBe(201);
    const issued = await admin('POST', `/tenants/${created.body.id}/tokens`, { name: 'entra' });
    expect(issued.status).toBe(201);
    return { tenantId: created.body.id as string, token: issued.body.token as string, tokenId: issued.body.tokenId as string };
  }

  describe('admin API', () => {
    it('refuses requests without its own token, with a Bearer challenge', async () => {
      const none = await fetch(`${base}/admin/v1/tenants`);
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toBe('Bearer realm="admin"');
      const wrong = await admin('GET', '/tenants', undefined, 'not-the-admin-token');
      expect(wrong.status).toBe(401);
      expect(wrong.headers.get('www-authenticate')).toMatch(/^Bearer realm="admin", error="invalid_token"/);
      expect(wrong.body).toMatchObject({ schemas: [SCIM_ERROR_SCHEMA], status: '401' });
    });

    it('creates a tenant with a validated profile, lists it, and refuses a duplicate name', async () => {
      const created = await admin('POST', '/tenants', {
        name: 'Fuze (admin test)',
        profile: { mutabilityOverrides: { entitlements: 'immutable' }, rateLimit: { requestsPerSecond: 10, burst: 10 } },
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        name: 'Fuze (admin test)',
        profile: {
          userExtensions: [ENTERPRISE_USER_SCHEMA],
          mutabilityOverrides: { entitlements: 'immutable' },
          rateLimit: { requestsPerSecond: 10, burst: 10 },
          groups: { mode: 'full' },
          managedResources: false,
          unknownAttributes: 'ignore',
        },
      });
      expect((await admin('GET', `/tenants/${created.body.id}`)).body.name).toBe('Fuze (admin test)');
      expect((await admin('GET', '/tenants')).body.tenants.map((t: { id: string }) => t.id)).toContain(created.body.id);
      const duplicate = await admin('POST', '/tenants', { name: 'Fuze (admin test)' });
      expect(duplicate.status).toBe(409);
      expect(duplicate.body).toMatchObject({ status: '409', scimType: 'uniqueness' });
    });

    it('refuses an invalid profile naming every problem, and unknown tenants with 404', async () => {
      const invalid = await admin('POST', '/tenants', { name: 'bad profile', profile: { groups: { mode: 'sometimes' }, mutabilityOverrides: { id: 'readWrite' } } });
      expect(invalid.status).toBe(400);
      expect(invalid.body.scimType).toBe('invalidValue');
      expect(invalid.body.detail).toMatch(/groups\.mode/);
      expect(invalid.body.detail).toMatch(/mutabilityOverrides\.id/);
      expect((await admin('POST', '/tenants', { profile: {} })).status).toBe(400);
      expect((await admin('GET', '/tenants/00000000-0000-4000-8000-000000000000')).status).toBe(404);
      expect((await admin('GET', '/tenants/not-a-uuid')).status).toBe(404);
      expect((await admin('POST', '/tenants/00000000-0000-4000-8000-000000000000/tokens', {})).status).toBe(404);
    });

    it('issues a token once and lists tokens without any secret', async () => {
      const { tenantId, token, tokenId } = await tenantWithToken('token listing', {});
      expect(token).toMatch(/^scim_[A-Za-z0-9_-]{43}$/);
      const listed = await admin('GET', `/tenants/${tenantId}/tokens`);
      expect(listed.body.tokens).toEqual([expect.objectContaining({ id: tokenId, name: 'entra', revokedAt: null })]);
      expect(JSON.stringify(listed.body)).not.toContain(token.slice(5));
      expect(JSON.stringify(listed.body)).not.toMatch(/hash/i);
    });
  });

  describe('SCIM authentication (RFC 6750)', () => {
    it.each([
      ['no Authorization header', {}, 'Bearer realm="scim"'],
      ['another scheme', { authorization: 'Basic dXNlcjpwYXNz' }, 'Bearer realm="scim"'],
      ['a malformed bearer credential', { authorization: 'Bearer not a token' }, /^Bearer realm="scim", error="invalid_token"/],
      ['an unknown token', { authorization: `Bearer scim_${'x'.repeat(43)}` }, /^Bearer realm="scim", error="invalid_token"/],
      ['the admin token', { authorization: `Bearer ${ADMIN_TOKEN}` }, /^Bearer realm="scim", error="invalid_token"/],
    ])('answers %s with 401 and a challenge', async (_name, headers, challenge) => {
      const response = await scim('/ServiceProviderConfig', { headers: headers });
      expect(response.status).toBe(401);
      if (typeof challenge === 'string') expect(response.headers.get('www-authenticate')).toBe(challenge);
      else expect(response.headers.get('www-authenticate')).toMatch(challenge);
      expect(response.body).toEqual({ schemas: [SCIM_ERROR_SCHEMA], status: '401', detail: expect.any(String) });
    });

    it('stops accepting a token as soon as it is revoked through the admin API', async () => {
      const { tenantId, token, tokenId } = await tenantWithToken('revocation', {});
      expect((await scim('/ResourceTypes', { token })).status).toBe(200);
      const revoked = await admin('DELETE', `/tenants/${tenantId}/tokens/${tokenId}`);
      expect(revoked.status).toBe(200);
      expect(revoked.body.revokedAt).not.toBeNull();
      const refused = await scim('/ResourceTypes', { token });
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    });

    it('records when a token was last used, in the background', async () => {
      const { tenantId, token, tokenId } = await tenantWithToken('last used', {});
      expect((await scim('/ServiceProviderConfig', { token })).status).toBe(200);
      const deadline = Date.now() + 5000;
      let lastUsedAt: string | null = null;
      while (!lastUsedAt && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        const listed = await admin('GET', `/tenants/${tenantId}/tokens`);
        lastUsedAt = listed.body.tokens.find((t: { id: string }) => t.id === tokenId).lastUsedAt;
      }
      expect(lastUsedAt).not.toBeNull();
    });
  });

  describe('discovery per tenant (RFC 7644 §4)', () => {
    let fuze: { tenantId: string; token: string };
    let genesys: { tenantId: string; token: string };

    beforeAll(async () => {
      fuze = await tenantWithToken('Fuze', { mutabilityOverrides: { entitlements: 'immutable' } });
      genesys = await tenantWithToken('Genesys', { userExtensions: [ENTERPRISE_USER_SCHEMA, GENESYS_USER_SCHEMA], groups: { mode: 'update-only' } });
    });

    const entitlementsOf = (schema: Record<string, any>) => schema.attributes.find((a: { name: string }) => a.name === 'entitlements');

    it('publishes the service provider configuration', async () => {
      const response = await scim('/ServiceProviderConfig', { token: fuze.token });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        patch: { supported: true },
        bulk: { supported: false },
        filter: { supported: true, maxResults: 150 },
        changePassword: { supported: false },
        sort: { supported: true },
        etag: { supported: true },
        authenticationSchemes: [expect.objectContaining({ type: 'oauthbearertoken' })],
        meta: { resourceType: 'ServiceProviderConfig', location: `${base}/scim/v2/ServiceProviderConfig` },
      });
    });

    it("shows Fuze's create-only entitlements as immutable, and only its extensions", async () => {
      const schemas = await scim('/Schemas', { token: fuze.token });
      expect(schemas.status).toBe(200);
      expect(schemas.body.Resources.map((s: { id: string }) => s.id)).toEqual([USER_SCHEMA, ENTERPRISE_USER_SCHEMA, 'urn:ietf:params:scim:schemas:core:2.0:Group']);
      const user = await scim(`/Schemas/${USER_SCHEMA}`, { token: fuze.token });
      expect(entitlementsOf(user.body).mutability).toBe('immutable');
      expect((await scim(`/Schemas/${GENESYS_USER_SCHEMA}`, { token: fuze.token })).status).toBe(404);
      const types = await scim('/ResourceTypes/User', { token: fuze.token });
      expect(types.body.schemaExtensions).toEqual([{ schema: ENTERPRISE_USER_SCHEMA, required: false }]);
    });

    it("never shows one tenant's profile to another", async () => {
      const schemas = await scim('/Schemas', { token: genesys.token });
      expect(schemas.body.Resources.map((s: { id: string }) => s.id)).toContain(GENESYS_USER_SCHEMA);
      const user = schemas.body.Resources.find((s: { id: string }) => s.id === USER_SCHEMA);
      expect(entitlementsOf(user).mutability).toBe('readWrite');
      expect((await scim(`/Schemas/${GENESYS_USER_SCHEMA}`, { token: genesys.token })).status).toBe(200);
      expect((await scim('/ResourceTypes/User', { token: genesys.token })).body.schemaExtensions).toHaveLength(2);
    });

    it('applies a profile change made through the admin API at once', async () => {
      const changed = await admin('PUT', `/tenants/${fuze.tenantId}/profile`, { mutabilityOverrides: { entitlements: 'readWrite' } });
      expect(changed.status).toBe(200);
      const user = await scim(`/Schemas/${USER_SCHEMA}`, { token: fuze.token });
      expect(entitlementsOf(user.body).mutability).toBe('readWrite');
      await admin('PUT', `/tenants/${fuze.tenantId}/profile`, { mutabilityOverrides: { entitlements: 'immutable' } });
    });

    it('answers filters with 403, other methods with 405, unknown routes with a SCIM 404', async () => {
      const filtered = await scim('/Schemas?filter=id%20eq%20%22x%22', { token: fuze.token });
      expect(filtered.status).toBe(403);
      const posted = await scim('/Schemas', { token: fuze.token, method: 'POST', body: '{}', headers: { 'content-type': 'application/scim+json' } });
      expect(posted.status).toBe(405);
      expect(posted.headers.get('allow')).toBe('GET');
      const unknown = await scim('/Devices', { token: fuze.token });
      expect(unknown.status).toBe(404);
      expect(unknown.body).toMatchObject({ schemas: [SCIM_ERROR_SCHEMA], status: '404' });
    });
  });

  describe('load shedding', () => {
    it("answers 429 with Retry-After once the tenant's bucket is empty", async () => {
      const { token } = await tenantWithToken('slow tenant', { rateLimit: { requestsPerSecond: 1, burst: 2 } });
      const statuses: number[] = [];
      let limited: Awaited<ReturnType<typeof scim>> | undefined;
      for (let i = 0; i < 3; i++) {
        const response = await scim('/ServiceProviderConfig', { token });
        statuses.push(response.status);
        if (response.status === 429) limited = response;
      }
      expect(statuses).toEqual([200, 200, 429]);
      expect(limited!.headers.get('retry-after')).toBe('1');
      expect(limited!.body).toEqual({ schemas: [SCIM_ERROR_SCHEMA], status: '429', detail: expect.stringMatching(/1 requests per second/) });
    });

    it('caps writes in flight per tenant and frees the slot when the response completes', async () => {
      const { token } = await tenantWithToken('one writer', { maxWritesInFlight: 1 });
      const other = await tenantWithToken('other writer', { maxWritesInFlight: 1 });
      const write = (t: string, path = '') => scim(`/TestWrites${path}`, { token: t, method: 'POST', body: '{"n":1}', headers: { 'content-type': 'application/scim+json' } });
      const held = write(token);
      await new Promise((r) => setTimeout(r, 200)); // the first write is now waiting inside its handler
      const refused = await write(token);
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(refused.body.detail).toMatch(/writes in flight/);
      expect((await scim('/ServiceProviderConfig', { token })).status).toBe(200); // reads are not capped
      releaseHeldWrites();
      expect((await held).status).toBe(201);
      expect((await write(token)).status).toBe(201);
      // A write that fails frees its slot too.
      expect((await write(other.token, '/fail')).status).toBe(500);
      expect((await write(other.token, '/echo')).status).toBe(201);
    });
  });

  describe('bodies and errors', () => {
    let token: string;
    beforeAll(async () => {
      ({ token } = await tenantWithToken('bodies', {}));
    });
    const post = (body: string, contentType?: string) => scim('/TestWrites/echo', { token, method: 'POST', body, headers: contentType ? { 'content-type': contentType } : {} });

    it('reads application/scim+json and application/json bodies', async () => {
      expect((await post('{"a":1}', 'application/scim+json')).body).toEqual({ received: { a: 1 } });
      expect((await post('{"a":2}', 'application/scim+json; charset=utf-8')).body).toEqual({ received: { a: 2 } });
      expect((await post('{"a":3}', 'application/json')).body).toEqual({ received: { a: 3 } });
    });

    it('answers malformed JSON with 400 invalidSyntax', async () => {
      const response = await post('{"userName": ', 'application/scim+json');
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ schemas: [SCIM_ERROR_SCHEMA], status: '400', scimType: 'invalidSyntax' });
      expect((await post('{"__proto__": {"admin": true}}', 'application/json')).body.scimType).toBe('invalidSyntax');
      expect((await post('', 'application/json')).body).toMatchObject({ status: '400', scimType: 'invalidSyntax' });
    });

    it('answers a body over the limit with 413', async () => {
      const response = await post(JSON.stringify({ filler: 'x'.repeat(BODY_LIMIT) }), 'application/scim+json');
      expect(response.status).toBe(413);
      expect(response.body).toEqual({ schemas: [SCIM_ERROR_SCHEMA], status: '413', detail: `Request body is larger than the limit of ${BODY_LIMIT} bytes` });
    });

    it.each(['text/plain', 'application/x-www-form-urlencoded', 'application/xml'])('answers a %s body with 415', async (type) => {
      const response = await post('userName=x', type);
      expect(response.status).toBe(415);
      expect(response.body).toMatchObject({ schemas: [SCIM_ERROR_SCHEMA], status: '415' });
    });

    it('answers an unexpected failure with a bare 500: no message, no stack', async () => {
      const response = await scim('/TestWrites/fail', { token, method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
      expect(response.status).toBe(500);
      expect(response.body).toEqual({ schemas: [SCIM_ERROR_SCHEMA], status: '500', detail: expect.stringMatching(/^Internal server error \(correlation id [0-9a-f-]{36}\)$/) });
      expect(JSON.stringify(response.body)).not.toMatch(/hunter2|at .*\.ts/);
      expect(response.headers.get('x-correlation-id')).toBe(/correlation id ([0-9a-f-]{36})/.exec(response.body.detail)![1]);
    });

    it('keeps the request correlation id when the body arrives in pieces', async () => {
      const chunks = ['{"part": ', '1}'];
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          const next = chunks.shift();
          if (next === undefined) return controller.close();
          await new Promise((r) => setTimeout(r, 100));
          controller.enqueue(new TextEncoder().encode(next));
        },
      });
      const response = await fetch(`${base}/scim/v2/TestWrites/fail`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-correlation-id': 'corr-streamed-1' },
        body,
        duplex: 'half',
      });
      expect(response.status).toBe(500);
      expect(((await response.json()) as { detail: string }).detail).toBe('Internal server error (correlation id corr-streamed-1)');
    });

    it('sends every SCIM response, success or error, as application/scim+json', () => {
      expect(scimResponses.length).toBeGreaterThan(30);
      const statuses = new Set(scimResponses.map((r) => r.status));
      for (const status of [200, 201, 400, 401, 403, 404, 405, 413, 415, 429, 500]) expect(statuses).toContain(status);
      expect(scimResponses.filter((r) => r.type !== SCIM_TYPE)).toEqual([]);
    });
  });
});
