import { request as httpRequest } from 'node:http';
import { entraUser, ERROR_SCHEMA, GROUP_SCHEMA, patchOp, ScimClient, ScimStack } from './support/scim-stack';
import { uniqueId } from './support/names';
import { TopicCollector } from './support/kafka-helpers';
import { Topics } from '@app/contracts';

/**
 * The SCIM surface as clients other than Entra use it (issue 14): Microsoft's SCIMReferenceCode
 * Postman collection, the UnboundID SCIM 2 SDK. Through the built gateway, user-service and
 * group-membership-service on real Kafka and Postgres.
 */
const stack = new ScimStack();
let client: ScimClient;

beforeAll(async () => {
  await stack.start({ SCIM_BULK_MAX_OPERATIONS: '10', SCIM_BULK_MAX_PAYLOAD_BYTES: '16384' }, { groups: true });
  client = await stack.tenant();
}, 180000);
afterAll(() => stack.stop());

function expectScimError(res: { status: number; body: Record<string, any> }, status: number, scimType?: string) {
  expect(res.status).toBe(status);
  expect(res.body.schemas).toEqual([ERROR_SCHEMA]);
  expect(res.body.status).toBe(String(status));
  if (scimType) expect(res.body.scimType).toBe(scimType);
}

describe("Microsoft's reference collection: endpoint names in any case, trailing slash", () => {
  it('answers lower-case resource paths and a trailing slash as the canonical ones', async () => {
    const body = { ...entraUser(), displayName: uniqueId('BobIsAmazing') };
    const created = await client.post('/users', body);
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`${client.tenant.scimUrl}/Users/${created.body.id}`);

    const listed = await client.get('/users');
    expect(listed.status).toBe(200);
    expect(listed.body.totalResults).toBeGreaterThanOrEqual(1);

    // The collection's request, verbatim: a trailing slash before the query string.
    const filtered = await client.get(`/Users/?filter=DisplayName+eq+"${body.displayName}"`);
    expect(filtered.status).toBe(200);
    expect(filtered.body.totalResults).toBe(1);
    expect(filtered.body.Resources[0].id).toBe(created.body.id);

    expect((await client.get(`/users/${created.body.id}/`)).body.id).toBe(created.body.id);
    expect((await client.get('/serviceproviderconfig')).body.schemas).toContain('urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig');
    expect((await client.get('/schemas/')).body.totalResults).toBeGreaterThanOrEqual(2);
    expect((await client.get('/resourcetypes/user')).body.id).toBe('User');
    const group = await client.post('/groups', { schemas: [GROUP_SCHEMA], displayName: uniqueId('g') });
    expect(group.status).toBe(201);
    expect((await client.post('/groups/.search', { filter: `displayName eq "${group.body.displayName}"` })).body.totalResults).toBe(1);
    expect((await client.delete(`/GROUPS/${group.body.id}/`)).status).toBe(204);
    // Without a token, a lower-case path is still a SCIM route: 401, not 404.
    const anonymous = await fetch(`${client.tenant.scimUrl}/users`);
    expect(anonymous.status).toBe(401);
  });

  it('keeps unknown endpoints 404 with a SCIM error', async () => {
    expectScimError(await client.get('/devices'), 404);
  });
});

describe('methods a resource does not take, and headers too large to read', () => {
  it('answers them with 405 and Allow (RFC 9110 §15.5.6), as SCIM errors, and changes nothing', async () => {
    const created = await client.post('/Users', entraUser());
    expect(created.status).toBe(201);
    const cases: Array<[string, string, string]> = [
      ['DELETE', '/Users', 'GET, POST'],
      ['PUT', '/Groups', 'GET, POST'],
      ['PATCH', '/Users', 'GET, POST'],
      ['POST', `/Users/${created.body.id}`, 'GET, PUT, PATCH, DELETE'],
      ['GET', '/Bulk', 'POST'],
      ['DELETE', '/Bulk', 'POST'],
    ];
    for (const [method, path, allow] of cases) {
      const res = await client.request(method, path, method === 'GET' || method === 'DELETE' ? undefined : {});
      expect([method, path, res.status, res.headers.get('allow')]).toEqual([method, path, 405, allow]);
      expectScimError(res, 405);
    }
    // POST /Users/.search is still the search, not a POST to a resource.
    expect((await client.post('/Users/.search', { filter: `id eq "${created.body.id}"` })).body.totalResults).toBe(1);
    expect((await client.get(`/Users/${created.body.id}`)).status).toBe(200);
  });

  it("never builds a Location from the request's Host header", async () => {
    const body = JSON.stringify(entraUser());
    const url = new URL(`${client.tenant.scimUrl}/Users`);
    const location = await new Promise<string | undefined>((resolve, reject) => {
      const req = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: { host: 'evil.example', authorization: `Bearer ${client.tenant.token}`, 'content-type': 'application/scim+json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode === 201 ? String(res.headers.location) : `status ${res.statusCode}`));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    expect(location).toMatch(new RegExp(`^${client.tenant.scimUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/Users/`));
    expect(location).not.toContain('evil.example');
  });

  it('answers request headers over the size Node reads with a SCIM 431', async () => {
    const res = await fetch(`${client.tenant.scimUrl}/Users`, { headers: { authorization: `Bearer ${client.tenant.token}`, 'x-padding': 'a'.repeat(20_000) } });
    expect(res.status).toBe(431);
    expect(res.headers.get('content-type')).toBe('application/scim+json; charset=utf-8');
    expect(await res.json()).toMatchObject({ schemas: [ERROR_SCHEMA], status: '431' });
  });
});

describe('ETags both ways (RFC 7644 §3.14)', () => {
  it('answers a GET with If-None-Match of the current version 304, and 200 once it moved', async () => {
    const created = await client.post('/Users', entraUser());
    const id = created.body.id as string;
    const etag = created.headers.get('etag')!;
    const unchanged = await client.get(`/Users/${id}`, { 'if-none-match': etag });
    expect(unchanged.status).toBe(304);
    expect(unchanged.body).toBeUndefined();
    expect(unchanged.headers.get('etag')).toBe(etag);
    await client.patch(`/Users/${id}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'displayName', value: 'moved' }] });
    const moved = await client.get(`/Users/${id}`, { 'if-none-match': etag });
    expect(moved.status).toBe(200);
    expect(moved.body.displayName).toBe('moved');
    expect(moved.headers.get('etag')).not.toBe(etag);

    const group = await client.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: uniqueId('g') });
    expect((await client.get(`/Groups/${group.body.id}`, { 'if-none-match': group.headers.get('etag')! })).status).toBe(304);
    expect((await client.get(`/Groups/${group.body.id}`, { 'if-none-match': '*' })).status).toBe(304);
  });
});

describe('OAuth 2.0 client credentials (RFC 6749 §4.4) as a second way in', () => {
  async function admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const res = await fetch(`${stack.gatewayUrl}/admin/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${stack.adminToken}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  }

  async function requestToken(form: Record<string, string>, authorization?: string) {
    const res = await fetch(`${stack.gatewayUrl}/oauth/v1/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(authorization ? { authorization } : {}) },
      body: new URLSearchParams(form).toString(),
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, any> };
  }

  const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

  it("issues a client, mints a token Entra's sequence runs with, and refuses the client once revoked", async () => {
    const tenant = await stack.tenant();
    const issued = await admin('POST', `/tenants/${tenant.id}/oauth-clients`, { name: 'entra' });
    expect(issued.status).toBe(201);
    expect(issued.body).toMatchObject({ clientId: expect.stringMatching(/^[0-9a-f-]{36}$/), clientSecret: expect.stringMatching(/^scimcs_/), tenantId: tenant.id });
    const { clientId, clientSecret } = issued.body as { clientId: string; clientSecret: string };
    const listed = await admin('GET', `/tenants/${tenant.id}/oauth-clients`);
    expect(listed.body.clients).toEqual([expect.objectContaining({ clientId, name: 'entra', revokedAt: null })]);
    expect(JSON.stringify(listed.body)).not.toContain(clientSecret);

    const metadata = (await (await fetch(`${stack.gatewayUrl}/.well-known/oauth-authorization-server`)).json()) as Record<string, any>;
    expect(metadata).toMatchObject({ grant_types_supported: ['client_credentials'], token_endpoint: expect.stringMatching(/\/oauth\/v1\/token$/) });

    const wrong = await requestToken({ grant_type: 'client_credentials' }, basic(clientId, `scimcs_${'x'.repeat(43)}`));
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe('invalid_client');
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Basic /);

    const granted = await requestToken({ grant_type: 'client_credentials', scope: 'scim' }, basic(clientId, clientSecret));
    expect(granted.status).toBe(200);
    expect(granted.headers.get('cache-control')).toBe('no-store');
    expect(granted.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'scim', access_token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/) });
    const jwks = (await (await fetch(metadata.jwks_uri.replace(/^https?:\/\/[^/]+/, stack.gatewayUrl))).json()) as { keys: Array<{ kid: string; kty: string; alg: string }> };
    const kid = JSON.parse(Buffer.from(granted.body.access_token.split('.')[0], 'base64url').toString()).kid;
    expect(jwks.keys).toContainEqual(expect.objectContaining({ kid, kty: 'RSA', alg: 'RS256', use: 'sig' }));

    // Entra's sequence with the access token in place of the static token.
    const oauth = new ScimClient({ ...tenant.tenant, token: granted.body.access_token });
    const body = entraUser();
    const lookup = await oauth.get(`/Users?filter=${encodeURIComponent(`userName eq "${body.userName}"`)}`);
    expect(lookup.status).toBe(200);
    expect(lookup.body.totalResults).toBe(0);
    const created = await oauth.post('/Users', body);
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const patched = await oauth.patch(`/Users/${id}`, patchOp({ op: 'Replace', path: 'active', value: 'False' }));
    expect(patched.status).toBe(200);
    expect(patched.body.active).toBe(false);
    // The same tenant's static token sees the user: both credentials are the tenant's.
    expect((await tenant.get(`/Users/${id}`)).body.active).toBe(false);
    const schemes = (await oauth.get('/ServiceProviderConfig')).body.authenticationSchemes as Array<{ type: string }>;
    expect(schemes.map((s) => s.type)).toEqual(['oauthbearertoken', 'oauth2']);
    expect((await oauth.delete(`/Users/${id}`)).status).toBe(204);

    // Another tenant's data stays out of reach with this token.
    const other = await stack.tenant();
    const theirs = await other.post('/Users', entraUser());
    expectScimError(await oauth.get(`/Users/${theirs.body.id}`), 404);

    const revoked = await admin('DELETE', `/tenants/${tenant.id}/oauth-clients/${clientId}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).not.toBeNull();
    const refused = await oauth.get('/Users?count=1');
    expectScimError(refused, 401);
    expect(refused.headers.get('www-authenticate')).toContain('invalid_token');
    expect((await requestToken({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret })).body.error).toBe('invalid_client');
    expect((await tenant.get('/Users?count=1')).status).toBe(200);
  });

  it('refuses a forged token and a token request that is not client credentials', async () => {
    const tenant = await stack.tenant();
    const forged = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url')}.${Buffer.from(JSON.stringify({ client_id: 'x', tenant_id: tenant.id })).toString('base64url')}.c2ln`;
    expectScimError(await new ScimClient({ ...tenant.tenant, token: forged }).get('/Users'), 401);
    const password = await requestToken({ grant_type: 'password', username: 'a', password: 'b' });
    expect(password).toMatchObject({ status: 400, body: { error: 'unsupported_grant_type' } });
    // Form bodies are the token endpoint's only: a SCIM route still answers 415.
    const form = await fetch(`${tenant.tenant.scimUrl}/Users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tenant.tenant.token}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'userName=x',
    });
    expect(form.status).toBe(415);
  });
});

describe('per-tenant RFC strictness (connector profile `strictness`)', () => {
  it("answers the UnboundID SDK's probes with RFC 7644's errors under rfc7644, and Entra's meaning by default", async () => {
    const strict = await stack.tenant({ strictness: 'rfc7644' });
    const entra = client;
    const spc = await strict.get('/ServiceProviderConfig');
    expect(spc.body['urn:scim-platform:schemas:extension:2.0:ServiceProviderConfig']).toMatchObject({ strictness: 'rfc7644', unknownAttributes: 'strict' });
    expect((await entra.get('/ServiceProviderConfig')).body['urn:scim-platform:schemas:extension:2.0:ServiceProviderConfig']).toMatchObject({ strictness: 'entra' });

    const strictUser = (await strict.post('/Users', entraUser())).body.id as string;
    const entraUserId = (await entra.post('/Users', entraUser())).body.id as string;
    const noTarget = patchOp({ op: 'replace', path: 'emails[type eq "nosuch"].value', value: 'x@example.com' });

    // RFC 7644 §3.5.2.3: a filtered replace that matches nothing is noTarget ...
    expectScimError(await strict.patch(`/Users/${strictUser}`, noTarget), 400, 'noTarget');
    // ... while Entra means "add" by it.
    const appended = await entra.patch(`/Users/${entraUserId}`, noTarget);
    expect(appended.status).toBe(200);
    expect(appended.body.emails).toContainEqual({ type: 'nosuch', value: 'x@example.com' });

    // A filtered remove that matches nothing: noTarget, or Entra's idempotent no-op.
    const removeNothing = patchOp({ op: 'remove', path: 'emails[type eq "home"]' });
    expectScimError(await strict.patch(`/Users/${strictUser}`, removeNothing), 400, 'noTarget');
    expect((await entra.patch(`/Users/${entraUserId}`, removeNothing)).status).toBe(200);

    // An undefined path: invalidPath, or 200 unchanged.
    const undefinedPath = patchOp({ op: 'replace', path: 'favouriteColour', value: 'green' });
    expectScimError(await strict.patch(`/Users/${strictUser}`, undefinedPath), 400, 'invalidPath');
    const unchanged = await entra.patch(`/Users/${entraUserId}`, undefinedPath);
    expect(unchanged.status).toBe(200);
    expect(unchanged.body.favouriteColour).toBeUndefined();

    // Unknown attributes on create, and Entra's "False" string.
    expectScimError(await strict.post('/Users', { ...entraUser(), favouriteColour: 'green' }), 400);
    expectScimError(await strict.patch(`/Users/${strictUser}`, patchOp({ op: 'replace', path: 'active', value: 'False' })), 400, 'invalidValue');
    expect((await strict.patch(`/Users/${strictUser}`, patchOp({ op: 'replace', path: 'active', value: false }))).body.active).toBe(false);

    // Groups: removing a member that is not one.
    const strictGroup = await strict.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: uniqueId('g'), members: [{ value: strictUser }] });
    const outsider = (await strict.post('/Users', entraUser())).body.id as string;
    expectScimError(await strict.patch(`/Groups/${strictGroup.body.id}`, patchOp({ op: 'remove', path: `members[value eq "${outsider}"]` })), 400, 'noTarget');
    expect((await strict.patch(`/Groups/${strictGroup.body.id}`, patchOp({ op: 'remove', path: `members[value eq "${strictUser}"]` }))).status).toBe(204);
  });
});

describe("a user's deletion and its groups", () => {
  it('answers the 204 only once no group lists the user any more', async () => {
    for (let run = 0; run < 4; run++) {
      const [a, b] = [(await client.post('/Users', entraUser())).body.id as string, (await client.post('/Users', entraUser())).body.id as string];
      const group = await client.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: uniqueId('g'), members: [{ value: a }, { value: b }] });
      expect(group.status).toBe(201);
      expect((await client.delete(`/Users/${a}`)).status).toBe(204);
      const read = await client.get(`/Groups/${group.body.id}`);
      expect((read.body.members as Array<{ value: string }>).map((m) => m.value)).toEqual([b]);
      expect((await client.get(`/Groups?filter=${encodeURIComponent(`members[value eq "${a}"]`)}`)).body.totalResults).toBe(0);
      // The group's version moved with its membership, so a cached copy is not current any more.
      expect(read.headers.get('etag')).not.toBe(group.headers.get('etag'));
    }
  });
});

describe('attributes / excludedAttributes on every answer that returns a resource (RFC 7644 §3.9)', () => {
  it('projects what POST, PUT and PATCH return, keeping id and Location', async () => {
    const body = entraUser();
    const created = await client.post('/Users?attributes=userName', body);
    expect(created.status).toBe(201);
    expect(created.body.userName).toBe(body.userName);
    expect(created.body.id).toEqual(expect.any(String));
    expect(created.body.emails).toBeUndefined();
    expect(created.body.name).toBeUndefined();
    expect(created.headers.get('location')).toBe(`${client.tenant.scimUrl}/Users/${created.body.id}`);
    const id = created.body.id as string;

    const replaced = await client.put(`/Users/${id}?excludedAttributes=emails,name`, { ...body, displayName: 'Replaced' });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ id, userName: body.userName, displayName: 'Replaced' });
    expect(replaced.body.emails).toBeUndefined();
    expect(replaced.body.name).toBeUndefined();

    const patched = await client.patch(`/Users/${id}?attributes=displayName`, patchOp({ op: 'replace', path: 'displayName', value: 'Patched' }));
    expect(patched.status).toBe(200);
    expect(patched.body.displayName).toBe('Patched');
    expect(patched.body.emails).toBeUndefined(); // userName and id are returned "always"
    expect(patched.body.userName).toBe(body.userName);

    const group = await client.post('/Groups?excludedAttributes=members', { schemas: [GROUP_SCHEMA], displayName: uniqueId('g'), members: [{ value: id }] });
    expect(group.status).toBe(201);
    expect(group.body.members).toBeUndefined();
    expect(group.body.displayName).toEqual(expect.any(String));
  });
});

describe('Bulk (RFC 7644 §3.7)', () => {
  const BULK = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
  let requestRecords: TopicCollector;
  beforeAll(async () => {
    requestRecords = await new TopicCollector(stack.kafka, stack.prefix + Topics.requestRecords).start();
  });
  afterAll(() => requestRecords.stop());

  it('creates a group whose members are users created in the same request, through bulkId references', async () => {
    const [a, b] = [entraUser(), entraUser()];
    const groupName = uniqueId('bulk-group');
    const res = await client.post('/Bulk', {
      schemas: [BULK],
      Operations: [
        // The group comes first and refers to users defined after it: it waits for them (§3.7.2).
        { method: 'POST', path: '/Groups', bulkId: 'g', data: { schemas: [GROUP_SCHEMA], displayName: groupName, members: [{ value: 'bulkId:u1' }, { value: 'bulkId:u2' }] } },
        { method: 'POST', path: '/Users', bulkId: 'u1', data: a },
        { method: 'POST', path: '/Users', bulkId: 'u2', data: b },
        { method: 'PATCH', path: '/Users/bulkId:u2', data: patchOp({ op: 'replace', path: 'displayName', value: 'Patched in bulk' }) },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:BulkResponse']);
    const ops = res.body.Operations as Array<{ method: string; bulkId?: string; status: string; location?: string; version?: string }>;
    expect(ops.map((o) => [o.method, o.bulkId, o.status])).toEqual([
      ['POST', 'g', '201'],
      ['POST', 'u1', '201'],
      ['POST', 'u2', '201'],
      ['PATCH', undefined, '200'],
    ]);
    const idOf = (i: number) => ops[i].location!.split('/').pop()!;
    expect(ops[1].location).toBe(`${client.tenant.scimUrl}/Users/${idOf(1)}`);
    expect(ops[1].version).toBe('W/"1"');
    const group = await client.get(`/Groups/${idOf(0)}`);
    expect(group.body.displayName).toBe(groupName);
    expect((group.body.members as Array<{ value: string }>).map((m) => m.value).sort()).toEqual([idOf(1), idOf(2)].sort());
    expect((await client.get(`/Users/${idOf(2)}`)).body.displayName).toBe('Patched in bulk');
    // Decided and evented like single requests: the user-service published each creation.
    const created = () => stack.userEvents.records.map((r) => JSON.parse(r.value ?? '{}') as { subject?: string; type?: string }).filter((e) => e.type === 'scim.user.created');
    await eventually(() => [idOf(1), idOf(2)].every((id) => created().some((e) => e.subject === id)));
    // ... and audited like single requests: one request record per operation, with the bulk's correlation id.
    type Record = { method: string; path: string; status: number; resourceIds: string[]; correlationId: string; tenantId: string; operation?: string; resourceType?: string };
    const records = () => requestRecords.records.map((r) => JSON.parse(r.value ?? '{}') as Record).filter((r) => r.tenantId === client.id);
    // The bulk's own record and its operations' records are published independently: wait for all five.
    const bulkRecordOf = () => records().find((r) => r.path === '/scim/v2/Bulk' && r.method === 'POST' && (r.resourceIds ?? []).includes(idOf(0)));
    await eventually(() => {
      const bulk = bulkRecordOf();
      return bulk !== undefined && records().filter((r) => r.correlationId === bulk.correlationId && r.path !== '/scim/v2/Bulk').length >= 4;
    });
    const bulkRecord = bulkRecordOf()!;
    expect(bulkRecord.resourceIds).toEqual(expect.arrayContaining([idOf(0), idOf(1), idOf(2)]));
    const carried = records().filter((r) => r.correlationId === bulkRecord.correlationId && r.path !== '/scim/v2/Bulk');
    expect(carried.map((r) => [r.method, r.path, r.status, r.resourceType]).sort()).toEqual(
      [
        ['POST', '/scim/v2/Groups', 201, 'Group'],
        ['POST', '/scim/v2/Users', 201, 'User'],
        ['POST', '/scim/v2/Users', 201, 'User'],
        ['PATCH', `/scim/v2/Users/${idOf(2)}`, 200, 'User'],
      ].sort(),
    );
  });

  it('answers each failure in place, stops at failOnErrors, and fails what refers to a failed operation with 409', async () => {
    const taken = entraUser();
    expect((await client.post('/Users', taken)).status).toBe(201);
    const res = await client.post('/Bulk', {
      schemas: [BULK],
      failOnErrors: 2,
      Operations: [
        { method: 'POST', path: '/Users', bulkId: 'dup', data: taken },
        { method: 'POST', path: '/Groups', bulkId: 'g', data: { schemas: [GROUP_SCHEMA], displayName: uniqueId('g'), members: [{ value: 'bulkId:dup' }] } },
        { method: 'POST', path: '/Users', bulkId: 'never', data: entraUser() },
      ],
    });
    expect(res.status).toBe(200);
    const ops = res.body.Operations as Array<{ status: string; bulkId: string; response?: Record<string, unknown> }>;
    expect(ops.map((o) => [o.bulkId, o.status])).toEqual([
      ['dup', '409'],
      ['g', '409'],
    ]);
    expect(ops[0].response).toMatchObject({ schemas: [ERROR_SCHEMA], status: '409', scimType: 'uniqueness' });
    expect(String(ops[1].response!.detail)).toContain("bulkId 'dup'");
  });

  it('advertises maxOperations and maxPayloadSize and answers a request over either with 413', async () => {
    const spc = (await client.get('/ServiceProviderConfig')).body;
    expect(spc.bulk).toEqual({ supported: true, maxOperations: 10, maxPayloadSize: 16384 });
    const tooMany = await client.post('/Bulk', {
      schemas: [BULK],
      Operations: Array.from({ length: 11 }, (_, i) => ({ method: 'POST', path: '/Users', bulkId: `u${i}`, data: entraUser() })),
    });
    expectScimError(tooMany, 413);
    expect(tooMany.body.detail).toContain('maxOperations is 10');
    const tooLarge = await client.post('/Bulk', {
      schemas: [BULK],
      Operations: [{ method: 'POST', path: '/Users', bulkId: 'big', data: { ...entraUser(), displayName: 'x'.repeat(20_000) } }],
    });
    expectScimError(tooLarge, 413);
    expect(tooLarge.body.detail).toContain('maxPayloadSize is 16384');
  });
});

async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 20000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('tenant-defined User extension schemas', () => {
  const ACME = 'urn:example:params:scim:schemas:extension:acme:2.0:User';

  async function admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const res = await fetch(`${stack.gatewayUrl}/admin/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${stack.adminToken}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  it('defines an extension through the admin API; it is validated, served in /Schemas, filtered and sorted in SQL, unique where declared, and carried in events', async () => {
    const tenant = await stack.tenant();
    const refused = await admin('PUT', `/tenants/${tenant.id}/schemas`, { id: ACME, name: 'Acme', attributes: [{ name: 'badge', type: 'text' }] });
    expect(refused.status).toBe(400);
    expect(refused.body.detail).toContain('type: one of');

    const defined = await admin('PUT', `/tenants/${tenant.id}/schemas`, {
      id: ACME,
      name: 'AcmeUser',
      description: 'Acme badge data',
      attributes: [
        { name: 'badge', type: 'string', uniqueness: 'server', caseExact: true },
        { name: 'level', type: 'integer' },
        { name: 'sites', type: 'string', multiValued: true },
        { name: 'hiredOn', type: 'dateTime', mutability: 'immutable' },
      ],
    });
    expect(defined.status).toBe(200);
    expect(defined.body.attributes[0]).toMatchObject({ name: 'badge', uniqueness: 'server', caseExact: true, mutability: 'readWrite', returned: 'default' });

    const schema = await tenant.get(`/Schemas/${ACME}`);
    expect(schema.status).toBe(200);
    expect(schema.body.attributes.map((a: { name: string }) => a.name)).toEqual(['badge', 'level', 'sites', 'hiredOn']);
    expect((await tenant.get('/ResourceTypes/User')).body.schemaExtensions).toContainEqual({ schema: ACME, required: false });
    // Another tenant does not see it.
    expect((await client.get(`/Schemas/${ACME}`)).status).toBe(404);

    const ids: string[] = [];
    for (const [badge, level] of [
      ['B-2', 20],
      ['B-1', 30],
      ['B-3', 10],
    ] as const) {
      const res = await tenant.post('/Users', {
        ...entraUser(),
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ACME],
        [ACME]: { badge, level, sites: ['berlin', 'oslo'], hiredOn: '2024-05-01T00:00:00Z' },
      });
      expect(res.status).toBe(201);
      expect(res.body[ACME]).toMatchObject({ badge, level });
      ids.push(res.body.id);
    }
    expectScimError(await tenant.post('/Users', { ...entraUser(), [ACME]: { level: 'high' } }), 400, 'invalidValue');
    const duplicate = await tenant.post('/Users', { ...entraUser(), [ACME]: { badge: 'B-1' } });
    expectScimError(duplicate, 409, 'uniqueness');
    // caseExact: "b-1" is another badge.
    expect((await tenant.post('/Users', { ...entraUser(), [ACME]: { badge: 'b-1' } })).status).toBe(201);
    expectScimError(await tenant.patch(`/Users/${ids[0]}`, patchOp({ op: 'replace', path: `${ACME}:badge`, value: 'B-3' })), 409, 'uniqueness');
    expectScimError(await tenant.patch(`/Users/${ids[0]}`, patchOp({ op: 'replace', path: `${ACME}:hiredOn`, value: '2025-01-01T00:00:00Z' })), 400, 'mutability');

    const filter = encodeURIComponent(`${ACME}:level ge 20 and ${ACME}:sites co "osl"`);
    const filtered = await tenant.get(`/Users?filter=${filter}&sortBy=${encodeURIComponent(`${ACME}:level`)}&sortOrder=descending`);
    expect(filtered.status).toBe(200);
    expect(filtered.body.Resources.map((u: any) => u[ACME].badge)).toEqual(['B-1', 'B-2']);
    const sorted = await tenant.get(`/Users?filter=${encodeURIComponent(`${ACME}:badge pr`)}&sortBy=${encodeURIComponent(`${ACME}:badge`)}`);
    expect(sorted.body.Resources.map((u: any) => u[ACME].badge)).toEqual(['B-1', 'B-2', 'B-3', 'b-1']);
    expectScimError(await tenant.get(`/Users?filter=${encodeURIComponent(`${ACME}:nosuch eq "x"`)}`), 400, 'invalidFilter');

    const events = () => stack.userEvents.records.map((r) => JSON.parse(r.value ?? '{}') as { subject?: string; data?: { resource?: Record<string, any> } });
    await eventually(() => events().some((e) => e.subject === ids[1] && e.data?.resource?.[ACME]?.badge === 'B-1'));

    expect((await admin('GET', `/tenants/${tenant.id}/schemas`)).body.schemas).toHaveLength(1);
    expect((await admin('DELETE', `/tenants/${tenant.id}/schemas/${encodeURIComponent(ACME)}`)).status).toBe(204);
    expect((await tenant.get(`/Schemas/${ACME}`)).status).toBe(404);
  });
});
