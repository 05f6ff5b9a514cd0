import { ENTRA_GROUP_SCHEMA, entraUser, ERROR_SCHEMA, GROUP_SCHEMA, patchOp, ScimClient, ScimStack } from './support/scim-stack';
import { uniqueId } from './support/names';

/**
 * Groups end to end, as Microsoft Entra ID drives them: through the built gateway, user-service
 * and group-membership-service, on real Kafka and Postgres. The requests follow Microsoft's SCIM
 * tutorial ("Develop a sample SCIM endpoint": the group operations Entra performs) and its
 * "Known issues and resolutions with SCIM 2.0 protocol compliance" (remove member with and
 * without the aadOptscim062020 flag).
 */
const stack = new ScimStack();
let entra: ScimClient;

beforeAll(async () => {
  await stack.start({}, { groups: true });
  entra = await stack.tenant();
}, 180000);
afterAll(() => stack.stop());

function expectScimError(res: { status: number; body: Record<string, any> }, status: number, scimType?: string) {
  expect(res.status).toBe(status);
  expect(res.body.schemas).toEqual([ERROR_SCHEMA]);
  expect(res.body.status).toBe(String(status));
  if (scimType) expect(res.body.scimType).toBe(scimType);
}

async function user(client = entra): Promise<{ id: string; userName: string }> {
  const res = await client.post('/Users', entraUser());
  expect(res.status).toBe(201);
  return { id: res.body.id, userName: res.body.userName };
}

function entraGroup(displayName = uniqueId('Group'), members: Array<{ value: string }> = []) {
  return { schemas: [GROUP_SCHEMA, ENTRA_GROUP_SCHEMA], externalId: uniqueId('ext'), displayName, meta: { resourceType: 'Group' }, members };
}

async function memberIds(client: ScimClient, groupId: string): Promise<string[]> {
  const res = await client.get(`/Groups/${groupId}`);
  expect(res.status).toBe(200);
  return ((res.body.members ?? []) as Array<{ value: string }>).map((m) => m.value).sort();
}

/** Waits until the user's scim.user.created event reached the group service (display names come from it). */
async function eventually(check: () => Promise<boolean>, timeoutMs = 20000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("Microsoft's tutorial group sequence", () => {
  it('creates, reads, filters, renames, adds and removes members, and deletes a group as Entra does', async () => {
    const [a, b, c] = [await user(), await user(), await user()];
    const body = entraGroup();

    const before = await entra.get(`/Groups?excludedAttributes=members&filter=${encodeURIComponent(`displayName eq "${body.displayName}"`)}`);
    expect(before.status).toBe(200);
    expect(before.body.totalResults).toBe(0);

    const created = await entra.post('/Groups', body);
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect(created.headers.get('location')).toBe(`${entra.tenant.scimUrl}/Groups/${id}`);
    expect(created.body).toMatchObject({ schemas: [GROUP_SCHEMA], displayName: body.displayName, externalId: body.externalId, meta: { resourceType: 'Group' } });

    const duplicate = await entra.post('/Groups', entraGroup(body.displayName.toUpperCase()));
    expectScimError(duplicate, 409, 'uniqueness');

    const lean = await entra.get(`/Groups/${id}?excludedAttributes=members`);
    expect(lean.status).toBe(200);
    expect(lean.body.members).toBeUndefined();
    expect(lean.body.displayName).toBe(body.displayName);

    const found = await entra.get(`/Groups?excludedAttributes=members&filter=${encodeURIComponent(`displayName eq "${body.displayName}"`)}`);
    expect(found.body.totalResults).toBe(1);
    expect(found.body.Resources[0].id).toBe(id);

    const renamed = `${body.displayName}-renamed`;
    const rename = await entra.patch(`/Groups/${id}`, patchOp({ op: 'Replace', path: 'displayName', value: renamed }));
    expect(rename.status).toBe(204);
    expect((await entra.get(`/Groups/${id}?excludedAttributes=members`)).body.displayName).toBe(renamed);

    // Several members in one operation.
    const add = await entra.patch(`/Groups/${id}`, patchOp({ op: 'Add', path: 'members', value: [{ value: a.id }, { value: b.id }] }));
    expect(add.status).toBe(204);
    expect(await memberIds(entra, id)).toEqual([a.id, b.id].sort());
    // Adding an existing member is a no-op.
    expect((await entra.patch(`/Groups/${id}`, patchOp({ op: 'Add', path: 'members', value: [{ value: a.id }] }))).status).toBe(204);
    expect((await entra.patch(`/Groups/${id}`, patchOp({ op: 'Add', path: 'members', value: [{ value: c.id }] }))).status).toBe(204);

    const full = await entra.get(`/Groups/${id}`);
    await eventually(async () => ((await entra.get(`/Groups/${id}`)).body.members as Array<{ display?: string }>).every((m) => m.display !== undefined));
    const shown = (await entra.get(`/Groups/${id}`)).body.members as Array<Record<string, string>>;
    expect(full.body.members).toHaveLength(3);
    expect(shown.find((m) => m.value === a.id)).toEqual({ value: a.id, $ref: `${entra.tenant.scimUrl}/Users/${a.id}`, display: a.userName, type: 'User' });

    const searched = await entra.post('/Groups/.search', {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
      filter: `displayName eq "${renamed}"`,
      excludedAttributes: ['members'],
    });
    expect(searched.status).toBe(200);
    expect(searched.body.Resources.map((g: { id: string }) => g.id)).toEqual([id]);

    // Entra's membership check.
    const member = await entra.get(`/Groups?excludedAttributes=members&filter=${encodeURIComponent(`id eq "${id}" and members[value eq "${a.id}"]`)}`);
    expect(member.body.totalResults).toBe(1);

    // Without aadOptscim062020: the member to remove is named in the value; only that one goes.
    expect((await entra.patch(`/Groups/${id}`, patchOp({ op: 'Remove', path: 'members', value: [{ value: a.id }] }))).status).toBe(204);
    expect(await memberIds(entra, id)).toEqual([b.id, c.id].sort());
    // With the flag: a value path.
    expect((await entra.patch(`/Groups/${id}`, patchOp({ op: 'remove', path: `members[value eq "${b.id}"]` }))).status).toBe(204);
    expect(await memberIds(entra, id)).toEqual([c.id]);
    const notMember = await entra.get(`/Groups?filter=${encodeURIComponent(`id eq "${id}" and members[value eq "${a.id}"]`)}`);
    expect(notMember.body.totalResults).toBe(0);
    // An or chain of member terms (one merged probe in SQL): any of the ids is enough, none of them is not.
    const anyOf = (ids: string[]) => `id eq "${id}" and (${ids.map((m) => `members[value eq "${m}"]`).join(' or ')})`;
    expect((await entra.post('/Groups/.search', { filter: anyOf([a.id, b.id, c.id]) })).body.totalResults).toBe(1);
    expect((await entra.post('/Groups/.search', { filter: anyOf([a.id, b.id, 'not-a-uuid']) })).body.totalResults).toBe(0);

    // Remove all.
    expect((await entra.patch(`/Groups/${id}`, patchOp({ op: 'remove', path: 'members' }))).status).toBe(204);
    expect(await memberIds(entra, id)).toEqual([]);

    expect((await entra.delete(`/Groups/${id}`)).status).toBe(204);
    expectScimError(await entra.get(`/Groups/${id}`), 404);
  });

  it('creates a group with members and replaces it with PUT', async () => {
    const [a, b] = [await user(), await user()];
    const created = await entra.post('/Groups', entraGroup(undefined, [{ value: a.id }]));
    expect(created.status).toBe(201);
    expect(created.body.members.map((m: { value: string }) => m.value)).toEqual([a.id]);
    const put = await entra.put(`/Groups/${created.body.id}`, { schemas: [GROUP_SCHEMA], displayName: created.body.displayName, members: [{ value: b.id }] });
    expect(put.status).toBe(200);
    expect(put.body.members.map((m: { value: string }) => m.value)).toEqual([b.id]);
  });
});

describe('lists', () => {
  it('sorts and pages groups by displayName, as Users do', async () => {
    const tenant = await stack.tenant();
    for (const name of ['beta', 'Alpha', 'gamma']) expect((await tenant.post('/Groups', entraGroup(name))).status).toBe(201);
    const page = await tenant.get('/Groups?sortBy=displayName&sortOrder=descending&startIndex=2&count=2&excludedAttributes=members');
    expect(page.body).toMatchObject({ totalResults: 3, itemsPerPage: 2, startIndex: 2 });
    expect(page.body.Resources.map((g: { displayName: string }) => g.displayName)).toEqual(['beta', 'Alpha']);
  });
});

describe("the User's read-only groups attribute", () => {
  it('lists the groups a user is a direct member of, on GET and on list', async () => {
    const u = await user();
    const g = await entra.post('/Groups', entraGroup(undefined, [{ value: u.id }]));
    const got = await entra.get(`/Users/${u.id}`);
    expect(got.body.groups).toEqual([{ value: g.body.id, $ref: `${entra.tenant.scimUrl}/Groups/${g.body.id}`, display: g.body.displayName }]);
    const listed = await entra.get(`/Users?filter=${encodeURIComponent(`userName eq "${u.userName}"`)}`);
    expect(listed.body.Resources[0].groups).toHaveLength(1);
    expect((await entra.get(`/Users/${u.id}?excludedAttributes=groups`)).body.groups).toBeUndefined();
    await entra.patch(`/Groups/${g.body.id}`, patchOp({ op: 'remove', path: `members[value eq "${u.id}"]` }));
    expect((await entra.get(`/Users/${u.id}`)).body.groups).toBeUndefined();
  });
});

describe('members are users of the tenant', () => {
  it('refuses nested groups: a group id, or a member of type Group', async () => {
    const parent = (await entra.post('/Groups', entraGroup())).body.id as string;
    const child = (await entra.post('/Groups', entraGroup())).body.id as string;
    const byId = await entra.patch(`/Groups/${parent}`, patchOp({ op: 'add', path: 'members', value: [{ value: child }] }));
    expectScimError(byId, 400, 'invalidValue');
    expect(byId.body.detail).toContain('nested groups are not supported');
    const byType = await entra.post('/Groups', entraGroup(undefined, [{ value: child, type: 'Group' } as { value: string }]));
    expectScimError(byType, 400, 'invalidValue');
  });

  it('adds a member right after its user was created, before the user event can have arrived', async () => {
    for (let i = 0; i < 5; i++) {
      const group = (await entra.post('/Groups', entraGroup())).body.id as string;
      const u = await user();
      const add = await entra.patch(`/Groups/${group}`, patchOp({ op: 'add', path: 'members', value: [{ value: u.id }] }));
      expect(add.status).toBe(204);
      expect(await memberIds(entra, group)).toEqual([u.id]);
    }
  });

  it('a deleted user leaves every group, with one membership event per group; then cannot be added', async () => {
    const u = await user();
    const g1 = (await entra.post('/Groups', entraGroup(undefined, [{ value: u.id }]))).body.id as string;
    const g2 = (await entra.post('/Groups', entraGroup(undefined, [{ value: u.id }]))).body.id as string;
    expect((await entra.delete(`/Users/${u.id}`)).status).toBe(204);
    await eventually(async () => (await memberIds(entra, g1)).length === 0 && (await memberIds(entra, g2)).length === 0);
    const refused = await entra.patch(`/Groups/${g1}`, patchOp({ op: 'add', path: 'members', value: [{ value: u.id }] }));
    expectScimError(refused, 400, 'invalidValue');
  });
});

describe('downstream consumers', () => {
  it('see exactly one membership event per effective change', async () => {
    const tenant = await stack.tenant();
    const [a, b] = [await user(tenant), await user(tenant)];
    const group = (await tenant.post('/Groups', entraGroup())).body.id as string;
    await tenant.patch(`/Groups/${group}`, patchOp({ op: 'add', path: 'members', value: [{ value: a.id }, { value: b.id }] }));
    await tenant.patch(`/Groups/${group}`, patchOp({ op: 'add', path: 'members', value: [{ value: a.id }] })); // no-op
    await tenant.patch(`/Groups/${group}`, patchOp({ op: 'remove', path: `members[value eq "${a.id}"]` }));
    await tenant.patch(`/Groups/${group}`, patchOp({ op: 'remove', path: `members[value eq "${a.id}"]` })); // no-op
    expect((await tenant.delete(`/Users/${b.id}`)).status).toBe(204);

    const ofGroup = () =>
      stack.groupEvents!.json<{ type: string; tenantid: string; subject: string; data: { memberIds?: string[] } }>().filter((e) => e.tenantid === tenant.id && e.subject === group);
    await eventually(async () => ofGroup().filter((e) => e.type.startsWith('scim.membership.')).length >= 3, 30000);
    await stack.groupEvents!.settle(2000);
    const membership = ofGroup()
      .filter((e) => e.type.startsWith('scim.membership.'))
      .map((e) => ({ type: e.type, members: [...(e.data.memberIds ?? [])].sort() }));
    expect(membership).toEqual([
      { type: 'scim.membership.added', members: [a.id, b.id].sort() },
      { type: 'scim.membership.removed', members: [a.id] },
      { type: 'scim.membership.removed', members: [b.id] },
    ]);
    expect(ofGroup().filter((e) => e.type === 'scim.group.created')).toHaveLength(1);
  });
});

describe('connector profiles', () => {
  it('update-only (Genesys): SCIM cannot create or delete groups, but updates app-owned ones matched by displayName', async () => {
    const genesys = await stack.tenant({ groups: { mode: 'update-only' } });
    const refused = await genesys.post('/Groups', entraGroup());
    expectScimError(refused, 403);
    expect(refused.body.detail).toBe('groups are managed by the application; SCIM may only update them');

    const name = uniqueId('Genesys');
    const res = await fetch(`${stack.gatewayUrl}/admin/v1/tenants/${genesys.id}/groups`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ schemas: [GROUP_SCHEMA], displayName: name }),
    });
    expect(res.status).toBe(201);
    const found = await genesys.get(`/Groups?excludedAttributes=members&filter=${encodeURIComponent(`displayName eq "${name}"`)}`);
    expect(found.body.totalResults).toBe(1);
    const id = found.body.Resources[0].id as string;
    const u = await user(genesys);
    expect((await genesys.patch(`/Groups/${id}`, patchOp({ op: 'add', path: 'members', value: [{ value: u.id }] }))).status).toBe(204);
    expect(await memberIds(genesys, id)).toEqual([u.id]);
    expectScimError(await genesys.delete(`/Groups/${id}`), 403);
  });

  it('managedResources (Fulcrum): SCIM sees only managed groups, and names may repeat between the two sets', async () => {
    const fulcrum = await stack.tenant({ managedResources: true });
    const name = uniqueId('Fulcrum');
    const res = await fetch(`${stack.gatewayUrl}/admin/v1/tenants/${fulcrum.id}/groups`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ schemas: [GROUP_SCHEMA], displayName: name }),
    });
    expect(res.status).toBe(201);
    const appOwned = ((await res.json()) as { id: string }).id;
    expect((await fulcrum.get(`/Groups?filter=${encodeURIComponent(`displayName eq "${name}"`)}`)).body.totalResults).toBe(0);
    expectScimError(await fulcrum.get(`/Groups/${appOwned}`), 404);
    expectScimError(await fulcrum.patch(`/Groups/${appOwned}`, patchOp({ op: 'replace', path: 'displayName', value: 'x' })), 404);
    const managed = await fulcrum.post('/Groups', entraGroup(name));
    expect(managed.status).toBe(201);
    expect((await fulcrum.get(`/Groups?filter=${encodeURIComponent(`displayName eq "${name}"`)}`)).body.totalResults).toBe(1);
  });
});
