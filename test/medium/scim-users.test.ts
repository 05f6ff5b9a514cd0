import { ENTERPRISE, entraUser, ERROR_SCHEMA, GENESYS, patchOp, ScimClient, ScimStack, USER_SCHEMA } from './support/scim-stack';
import { eventually } from './support/eventually';

/**
 * Users end to end, as Microsoft Entra ID drives them: through the built gateway and
 * user-service processes, on real Kafka and Postgres. The requests follow Microsoft's SCIM
 * tutorial ("Develop a sample SCIM endpoint": the user operations Entra performs) and its
 * "Known issues and resolutions with SCIM 2.0 protocol compliance" (with and without the
 * aadOptscim062020 flag).
 */
const stack = new ScimStack();
let entra: ScimClient;

beforeAll(async () => {
  await stack.start();
  entra = await stack.tenant({ userExtensions: [ENTERPRISE, GENESYS] });
});
afterAll(() => stack.stop());

function expectScimError(res: { status: number; body: Record<string, any>; headers: Headers }, status: number, scimType?: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/scim+json');
  expect(res.body.schemas).toEqual([ERROR_SCHEMA]);
  expect(res.body.status).toBe(String(status));
  if (scimType) expect(res.body.scimType).toBe(scimType);
}

describe("Microsoft's tutorial user sequence", () => {
  it('creates, reads, filters, patches, disables and deletes a user as Entra does', async () => {
    const body = entraUser();
    // Entra first looks the user up by its matching attribute.
    const before = await entra.get(`/Users?filter=${encodeURIComponent(`userName eq "${body.userName}"`)}`);
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ totalResults: 0, Resources: [], startIndex: 1, itemsPerPage: 0 });

    const created = await entra.post('/Users', body);
    expect(created.status).toBe(201);
    expect(created.headers.get('content-type')).toContain('application/scim+json');
    const id = created.body.id as string;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.headers.get('location')).toBe(`${entra.tenant.scimUrl}/Users/${id}`);
    expect(created.headers.get('etag')).toBe('W/"1"');
    expect(created.body).toMatchObject({
      schemas: expect.arrayContaining([USER_SCHEMA]),
      userName: body.userName,
      externalId: body.externalId,
      active: true,
      name: { familyName: 'familyName', givenName: 'givenName' },
      emails: [{ primary: true, type: 'work', value: (body.emails as Array<{ value: string }>)[0].value }],
      meta: { resourceType: 'User', location: `${entra.tenant.scimUrl}/Users/${id}`, version: 'W/"1"' },
    });

    const got = await entra.get(`/Users/${id}`);
    expect(got.status).toBe(200);
    expect(got.body.id).toBe(id);
    expect(got.headers.get('etag')).toBe('W/"1"');

    const byName = await entra.get(`/Users?filter=${encodeURIComponent(`userName eq "${String(body.userName).toUpperCase()}"`)}`);
    expect(byName.body.totalResults).toBe(1); // userName is not case-exact (RFC 7643 §4.1)
    expect(byName.body.Resources[0].id).toBe(id);
    const none = await entra.get(`/Users?filter=${encodeURIComponent('userName eq "non-existent user"')}`);
    expect(none.body).toMatchObject({ totalResults: 0, Resources: [] });

    // Update User [Multi-valued properties]
    const multi = await entra.patch(
      `/Users/${id}`,
      patchOp({ op: 'Replace', path: 'emails[type eq "work"].value', value: 'updatedEmail@microsoft.com' }, { op: 'Replace', path: 'name.familyName', value: 'updatedFamilyName' }),
    );
    expect(multi.status).toBe(200);
    expect(multi.body.emails).toEqual([{ primary: true, type: 'work', value: 'updatedEmail@microsoft.com' }]);
    expect(multi.body.name.familyName).toBe('updatedFamilyName');

    // Update User [Single-valued properties]
    const single = await entra.patch(`/Users/${id}`, patchOp({ op: 'Replace', path: 'userName', value: `renamed_${body.userName}` }));
    expect(single.body.userName).toBe(`renamed_${body.userName}`);

    // Disable User: still readable and filterable.
    const disabled = await entra.patch(`/Users/${id}`, patchOp({ op: 'Replace', path: 'active', value: false }));
    expect(disabled.body.active).toBe(false);
    const inactive = await entra.get(`/Users?filter=${encodeURIComponent(`active eq false and id eq "${id}"`)}`);
    expect(inactive.body.totalResults).toBe(1);

    const deleted = await entra.delete(`/Users/${id}`);
    expect(deleted.status).toBe(204);
    expectScimError(await entra.get(`/Users/${id}`), 404);
    const gone = await entra.get(`/Users?filter=${encodeURIComponent(`userName eq "renamed_${body.userName}"`)}`);
    expect(gone.body.totalResults).toBe(0);
    expectScimError(await entra.delete(`/Users/${id}`), 404);
  });

  it('answers 409 uniqueness to a second user with the same userName in any letter case', async () => {
    const body = entraUser();
    expect((await entra.post('/Users', body)).status).toBe(201);
    const again = await entra.post('/Users', { ...body, userName: String(body.userName).toUpperCase(), externalId: 'other' });
    expectScimError(again, 409, 'uniqueness');
  });
});

describe("Entra's PATCH dialect (known issues doc)", () => {
  async function newUser(extra: Record<string, unknown> = {}) {
    const res = await entra.post('/Users', { ...entraUser(), ...extra });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }

  it('without aadOptscim062020: capitalised ops, "False" strings, manager as a bare string', async () => {
    const id = await newUser({ [ENTERPRISE]: { department: 'Sales' } });
    const res = await entra.patch(
      `/Users/${id}`,
      patchOp(
        { op: 'Replace', path: 'active', value: 'False' },
        { op: 'Add', path: `${ENTERPRISE}:manager`, value: 'manager-42' },
        { op: 'Replace', path: `${ENTERPRISE}:department`, value: 'Engineering' },
      ),
    );
    expect(res.status).toBe(200);
    expect(res.body.active).toBe(false);
    expect(res.body[ENTERPRISE]).toMatchObject({ department: 'Engineering', manager: { value: 'manager-42' } });
  });

  it('with aadOptscim062020: a path-less replace whose keys are dotted or URN-qualified, booleans as booleans, manager as {value}', async () => {
    const id = await newUser();
    const res = await entra.patch(
      `/Users/${id}`,
      patchOp({
        op: 'replace',
        value: {
          active: false,
          'name.givenName': 'Grace',
          [`${ENTERPRISE}:employeeNumber`]: '1701',
          [`${ENTERPRISE}:manager`]: { value: 'manager-7' },
        },
      }),
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ active: false, name: { givenName: 'Grace', familyName: 'familyName' } });
    expect(res.body[ENTERPRISE]).toMatchObject({ employeeNumber: '1701', manager: { value: 'manager-7' } });
  });

  it('treats a filtered path that matches nothing as an add, takes roles sent as JSON text, and clears with an empty value', async () => {
    const id = await newUser({ title: 'Engineer' });
    const res = await entra.patch(
      `/Users/${id}`,
      patchOp(
        { op: 'Replace', path: 'phoneNumbers[type eq "work2"].value', value: '+1 555 0100' },
        { op: 'Add', path: 'roles', value: '[{"value":"Admin","type":"WindowsAzureActiveDirectoryRole","primary":false}]' },
        { op: 'Replace', path: 'title', value: '' },
      ),
    );
    expect(res.status).toBe(200);
    expect(res.body.phoneNumbers).toEqual([{ type: 'work2', value: '+1 555 0100' }]);
    expect(res.body.roles).toEqual([{ value: 'Admin', type: 'WindowsAzureActiveDirectoryRole', primary: false }]);
    expect(res.body.title).toBeUndefined();
  });

  it("writes the Genesys extension's externalIds[authority eq '...'].value mapping", async () => {
    const id = await newUser();
    const res = await entra.patch(`/Users/${id}`, patchOp({ op: 'Add', path: `${GENESYS}:externalIds[authority eq 'microsoftteams'].value`, value: 'teams-user-1' }));
    expect(res.status).toBe(200);
    expect(res.body[GENESYS]).toEqual({ externalIds: [{ authority: 'microsoftteams', value: 'teams-user-1' }] });
    expect(res.body.schemas).toContain(GENESYS);
  });

  it('applies a PATCH atomically: one bad operation changes nothing', async () => {
    const id = await newUser();
    const res = await entra.patch(
      `/Users/${id}`,
      patchOp({ op: 'Replace', path: 'name.givenName', value: 'Changed' }, { op: 'Replace', path: 'active', value: { not: 'a boolean' } }),
    );
    expectScimError(res, 400, 'invalidValue');
    expect((await entra.get(`/Users/${id}`)).body.name.givenName).toBe('givenName');
  });
});

describe('semantics', () => {
  it('ignores a misspelled attribute on PUT by default (Microsoft reference tests) and refuses it for a strict tenant', async () => {
    const created = await entra.post('/Users', entraUser());
    const id = created.body.id as string;
    const put = await entra.put(`/Users/${id}`, { ...entraUser(), userName: created.body.userName, nickNme: 'typo', displayName: 'Put' });
    expect(put.status).toBe(200);
    expect(put.body.displayName).toBe('Put');
    expect(put.body.nickNme).toBeUndefined();
    expect(put.body.id).toBe(id);
    expect(put.body.meta.created).toBe(created.body.meta.created);

    const strict = await stack.tenant({ unknownAttributes: 'strict' });
    const refused = await strict.post('/Users', { ...entraUser(), nickNme: 'typo' });
    expectScimError(refused, 400);
    expect(refused.body.detail).toContain('nickNme');
  });

  it('answers 412 when If-Match does not match, and applies the write when it does', async () => {
    const created = await entra.post('/Users', entraUser());
    const id = created.body.id as string;
    const stale = await entra.patch(`/Users/${id}`, patchOp({ op: 'replace', path: 'displayName', value: 'x' }), { 'if-match': 'W/"9"' });
    expectScimError(stale, 412);
    const fresh = await entra.patch(`/Users/${id}`, patchOp({ op: 'replace', path: 'displayName', value: 'x' }), { 'if-match': 'W/"1"' });
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get('etag')).toBe('W/"2"');
  });

  it('keeps the id assigned by us: an id in the body is ignored', async () => {
    const res = await entra.post('/Users', { ...entraUser(), id: 'chosen-by-client' });
    expect(res.status).toBe(201);
    expect(res.body.id).not.toBe('chosen-by-client');
  });

  it('refuses a later change of a create-only attribute with 400 mutability, and says so in /Schemas (the Fuze profile)', async () => {
    const fuze = await stack.tenant({ mutabilityOverrides: { entitlements: 'immutable' }, rateLimit: { requestsPerSecond: 10, burst: 10 } });
    const created = await fuze.post('/Users', { ...entraUser(), entitlements: [{ value: 'fuze-pro' }] });
    expect(created.status).toBe(201);
    const change = await fuze.patch(`/Users/${created.body.id}`, patchOp({ op: 'replace', path: 'entitlements', value: [{ value: 'fuze-basic' }] }));
    expectScimError(change, 400, 'mutability');
    const schema = await fuze.get(`/Schemas/${USER_SCHEMA}`);
    const entitlements = (schema.body.attributes as Array<{ name: string; mutability: string }>).find((a) => a.name === 'entitlements');
    expect(entitlements?.mutability).toBe('immutable');
  });

  it('pages, sorts and projects lists as RFC 7644 §3.4.2 says', async () => {
    const tenant = await stack.tenant();
    for (const n of ['c', 'a', 'b']) expect((await tenant.post('/Users', { schemas: [USER_SCHEMA], userName: `${n}@page.test`, displayName: n })).status).toBe(201);
    const page = await tenant.get('/Users?sortBy=userName&sortOrder=descending&startIndex=2&count=1&attributes=userName');
    expect(page.body).toMatchObject({ totalResults: 3, itemsPerPage: 1, startIndex: 2 });
    expect(page.body.Resources[0]).toEqual({ schemas: [USER_SCHEMA], id: expect.any(String), userName: 'b@page.test' });
    const past = await tenant.get('/Users?startIndex=10&count=5');
    expect(past.body).toMatchObject({ totalResults: 3, itemsPerPage: 0, Resources: [] });
    const search = await tenant.post('/Users/.search', {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
      filter: 'displayName eq "a"',
      excludedAttributes: 'emails',
    });
    expect(search.status).toBe(200);
    expect(search.body.totalResults).toBe(1);
  });

  it('never shows one tenant another tenant’s users', async () => {
    const other = await stack.tenant();
    const mine = await entra.post('/Users', entraUser());
    expectScimError(await other.get(`/Users/${mine.body.id}`), 404);
    expectScimError(await other.patch(`/Users/${mine.body.id}`, patchOp({ op: 'replace', path: 'active', value: false })), 404);
    expectScimError(await other.delete(`/Users/${mine.body.id}`), 404);
    const filtered = await other.get(`/Users?filter=${encodeURIComponent(`userName eq "${mine.body.userName}"`)}`);
    expect(filtered.body.totalResults).toBe(0);
    expect((await entra.get(`/Users/${mine.body.id}`)).body.active).toBe(true);
  });
});

describe('bad input gets a SCIM error and changes nothing', () => {
  it.each([
    ['malformed JSON', '{"schemas": [', 400, 'invalidSyntax'],
    ['a body that is not an object', '[1,2]', 400, undefined],
    ['no userName', { schemas: [USER_SCHEMA] }, 400, undefined],
    ['an unknown schema', { schemas: [USER_SCHEMA, 'urn:example:unknown'], userName: 'x@bad.test' }, 400, undefined],
    ['a wrong type', { schemas: [USER_SCHEMA], userName: 'y@bad.test', active: 'maybe' }, 400, 'invalidValue'],
  ])('POST with %s', async (_name, body, status, scimType) => {
    const before = await entra.get('/Users?count=0');
    expectScimError(await entra.post('/Users', body), status, scimType);
    expect((await entra.get('/Users?count=0')).body.totalResults).toBe(before.body.totalResults);
  });

  it('a bad filter is 400 invalidFilter; a bad PATCH path is 400 invalidPath', async () => {
    expectScimError(await entra.get(`/Users?filter=${encodeURIComponent('userName eq')}`), 400, 'invalidFilter');
    expectScimError(await entra.get(`/Users?filter=${encodeURIComponent('shoeSize gt 3')}`), 400, 'invalidFilter');
    const id = (await entra.post('/Users', entraUser())).body.id;
    expectScimError(await entra.patch(`/Users/${id}`, patchOp({ op: 'replace', path: 'emails[type eq', value: 'x' })), 400, 'invalidPath');
  });
});

describe('events for downstream systems', () => {
  it('publishes exactly one CloudEvent per accepted change, in order per user', async () => {
    const created = await entra.post('/Users', entraUser());
    const id = created.body.id as string;
    await entra.patch(`/Users/${id}`, patchOp({ op: 'replace', path: 'displayName', value: 'One' }));
    await entra.patch(`/Users/${id}`, patchOp({ op: 'replace', path: 'displayName', value: 'One' })); // no change: no event
    await entra.patch(`/Users/${id}`, patchOp({ op: 'replace', path: 'active', value: false }));
    await entra.patch(`/Users/${id}`, patchOp({ op: 'replace', path: 'active', value: true }));
    expect((await entra.patch(`/Users/${id}`, patchOp({ op: 'replace', path: 'nope', value: 1 }))).status).toBe(200); // unknown: ignored, no event
    await entra.delete(`/Users/${id}`);

    const deadline = Date.now() + 30000;
    const forUser = () => stack.userEvents.json<Record<string, any>>().filter((e) => e.subject === id);
    while (forUser().length < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    await stack.userEvents.settle(1500);
    const events = forUser();
    expect(events.map((e) => e.type)).toEqual(['scim.user.created', 'scim.user.updated', 'scim.user.deactivated', 'scim.user.reactivated', 'scim.user.deleted']);
    for (const e of events) {
      expect(e).toMatchObject({ specversion: '1.0', source: '/scim/user-service', tenantid: entra.id, datacontenttype: 'application/json' });
    }
    expect(events[1].data.changedAttributes).toEqual(['displayName']);
    expect(events[1].data.resource.displayName).toBe('One');
    expect(new Set(events.map((e) => e.id)).size).toBe(5);
  });
});

describe('trace context without a tracing backend (the default)', () => {
  it("passes the client's traceparent on to the event: same trace, nothing recorded", async () => {
    const traceId = '6bf92f3577b34da6a3ce929d0e0e4738';
    const created = await entra.request('POST', '/Users', entraUser(), { traceparent: `00-${traceId}-00f067aa0ba902b9-01` });
    expect(created.status).toBe(201);
    const event = await eventually('the event is on its topic', () => stack.userEvents.records.find((r) => r.value?.includes(created.body.id as string)));
    expect(event.headers.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
  });
});
