import { entraUser, ERROR_SCHEMA, GROUP_SCHEMA, ScimClient, ScimStack } from './support/scim-stack';
import { uniqueId } from './support/names';

/**
 * The SCIM surface as clients other than Entra use it (issue 14): Microsoft's SCIMReferenceCode
 * Postman collection, the UnboundID SCIM 2 SDK. Through the built gateway, user-service and
 * group-membership-service on real Kafka and Postgres.
 */
const stack = new ScimStack();
let client: ScimClient;

beforeAll(async () => {
  await stack.start({}, { groups: true });
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
    expect((await client.get('/serviceproviderconfig')).body.schemas).toEqual(['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig']);
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
