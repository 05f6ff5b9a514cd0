import { CLOUDEVENTS_CONTENT_TYPE, Headers, type UserEvent } from '@app/contracts';
import { ENTERPRISE_USER_SCHEMA, USER_SCHEMA } from '@app/scim';
import { createDataSource } from '@app/persistence';
import { pruneCommandReplies } from '@app/commands';
import { USER_SERVICE_ENTITIES } from '../../apps/user-service/src/user-service.definition';
import type { UserServiceConfig } from '../../apps/user-service/src/user-service.config';
import { commands, PROFILE, REPLY_TO, UserServiceHarness } from './support/user-service-harness';

/**
 * The user-service as the gateway uses it: commands on Kafka, replies on the reply topic,
 * events on the user-events topic, reads over the internal HTTP API. The built service runs as
 * its own process on the real broker and Postgres.
 */
let h: UserServiceHarness;
let tenantNo = 0;
const tenant = () => `tenant-${++tenantNo}-${Date.now().toString(36)}`;

beforeAll(async () => {
  h = await UserServiceHarness.create('users');
  await h.start();
});

afterAll(async () => {
  await h?.stop();
});

async function eventsOf(userId: string, count: number): Promise<UserEvent[]> {
  const deadline = Date.now() + 30000;
  for (;;) {
    const events = h.userEvents().filter((e) => e.subject === userId);
    if (events.length >= count) return events;
    if (Date.now() > deadline) throw new Error(`${events.length}/${count} events for ${userId}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('user commands end to end', () => {
  it('creates a user: 201 with id and meta, readable by id, announced by one scim.user.created', async () => {
    const t = tenant();
    const [reply] = await h.decide(
      commands.create(t, { userName: 'BJensen@Example.com', externalId: 'ext-1', name: { givenName: 'Barbara' }, active: true, [ENTERPRISE_USER_SCHEMA]: { department: 'Tours' } }),
    );
    expect(reply).toMatchObject({ tenantId: t, status: 201, version: 'W/"1"' });
    const resource = reply.body!;
    expect(resource).toMatchObject({
      schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
      userName: 'BJensen@Example.com',
      meta: { resourceType: 'User', version: 'W/"1"' },
    });
    expect(resource.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(resource.meta).not.toHaveProperty('location');

    const read = await h.get(t, String(resource.id));
    expect(read).toEqual({ status: 200, body: { resource, version: 'W/"1"' } });

    const [event] = await eventsOf(String(resource.id), 1);
    expect(event).toMatchObject({
      specversion: '1.0',
      type: 'scim.user.created',
      source: '/scim/user-service',
      subject: resource.id,
      tenantid: t,
      datacontenttype: 'application/json',
      data: { resource, changedAttributes: expect.arrayContaining(['userName', 'externalId', `${ENTERPRISE_USER_SCHEMA}:department`]) },
    });
    const record = h.events.records.find((r) => JSON.parse(r.value!).id === event.id)!;
    expect(record.key).toBe(`${t}/${resource.id}`);
    expect(record.headers[Headers.contentType]).toBe(CLOUDEVENTS_CONTENT_TYPE);
    expect(record.headers[Headers.messageId]).toBe(event.id);

    const replyRecord = h.replies.records.find((r) => JSON.parse(r.value!).commandId === reply.commandId)!;
    expect(replyRecord.key).toBe(REPLY_TO);
    expect(replyRecord.headers[Headers.replyTo]).toBe(REPLY_TO);
  });

  it('refuses a userName taken in the tenant ignoring case with 409 uniqueness, also within one batch, not across tenants', async () => {
    const t = tenant();
    const other = tenant();
    const [first] = await h.decide(commands.create(t, { userName: 'dup@example.com' }));
    expect(first.status).toBe(201);
    const replies = await h.decide(
      commands.create(t, { userName: 'DUP@example.com' }),
      commands.create(t, { userName: 'fresh@example.com' }),
      commands.create(t, { userName: 'Fresh@Example.com' }),
      commands.create(other, { userName: 'dup@example.com' }),
    );
    expect(replies.map((r) => [r.status, r.body?.scimType])).toEqual([
      [409, 'uniqueness'],
      [201, undefined],
      [409, 'uniqueness'],
      [201, undefined],
    ]);
    const listed = await h.query(t, {});
    expect(listed.body.totalResults).toBe(2);
  });

  it('patches: new version and lastModified, deactivated / reactivated / updated events, nothing for a no-op', async () => {
    const t = tenant();
    const [created] = await h.decide(commands.create(t, { userName: 'pat@example.com', active: true, displayName: 'Pat' }));
    const id = String(created.body!.id);
    const [title] = await h.decide(commands.patch(t, id, [{ op: 'add', path: 'title', value: 'Engineer' }]));
    expect(title).toMatchObject({ status: 200, version: 'W/"2"', body: { title: 'Engineer', meta: { created: (created.body!.meta as { created: string }).created } } });
    const [off] = await h.decide(commands.patch(t, id, [{ op: 'replace', path: 'active', value: 'False' }]));
    const [noop] = await h.decide(commands.patch(t, id, [{ op: 'replace', path: 'displayName', value: 'Pat' }]));
    expect(noop).toMatchObject({ status: 200, version: 'W/"3"' });
    const [on] = await h.decide(commands.patch(t, id, [{ op: 'replace', value: { active: true, 'name.givenName': 'Pat' } }]));
    expect([off.version, on.version]).toEqual(['W/"3"', 'W/"4"']);

    const events = await eventsOf(id, 4);
    expect(events.map((e) => [e.type, e.data.changedAttributes, (e.data.resource.meta as { version: string }).version])).toEqual([
      ['scim.user.created', ['userName', 'displayName', 'active'], 'W/"1"'],
      ['scim.user.updated', ['title'], 'W/"2"'],
      ['scim.user.deactivated', ['active'], 'W/"3"'],
      ['scim.user.reactivated', ['name.givenName', 'active'], 'W/"4"'],
    ]);
    expect((await h.get(t, id)).body.version).toBe('W/"4"');
  });

  it('replaces: keeps id and created, refuses a changed immutable attribute (400 mutability) and a stale If-Match (412)', async () => {
    const t = tenant();
    const createOnly = { ...PROFILE, mutabilityOverrides: { [`${ENTERPRISE_USER_SCHEMA}:employeeNumber`]: 'immutable' as const } };
    const [created] = await h.decide(commands.create(t, { userName: 'rep@example.com', title: 'A', [ENTERPRISE_USER_SCHEMA]: { employeeNumber: '42' } }, createOnly));
    const id = String(created.body!.id);
    const replies = await h.decide(
      commands.replace(t, id, { userName: 'rep@example.com', [ENTERPRISE_USER_SCHEMA]: { employeeNumber: '43' } }, {}, createOnly),
      commands.replace(t, id, { userName: 'rep@example.com', title: 'B' }, { ifMatch: 'W/"5"' }, createOnly),
      commands.replace(t, id, { userName: 'rep@example.com', title: 'B', id: 'ignored', meta: { created: '2000-01-01T00:00:00Z' } }, { ifMatch: 'W/"1"' }, createOnly),
    );
    expect(replies.map((r) => [r.status, r.body?.scimType ?? null])).toEqual([
      [400, 'mutability'],
      [412, null],
      [200, null],
    ]);
    const replaced = replies[2].body!;
    expect(replaced).toMatchObject({
      id,
      title: 'B',
      [ENTERPRISE_USER_SCHEMA]: { employeeNumber: '42' },
      meta: { created: (created.body!.meta as { created: string }).created, version: 'W/"2"' },
    });
    const events = await eventsOf(id, 2);
    expect(events.map((e) => e.type)).toEqual(['scim.user.created', 'scim.user.updated']);
  });

  it('deletes: 204, then 404 for reads and writes; another tenant’s id is 404 too', async () => {
    const t = tenant();
    const [created] = await h.decide(commands.create(t, { userName: 'del@example.com' }));
    const id = String(created.body!.id);
    const [foreign] = await h.decide(commands.delete(tenant(), id));
    expect(foreign.status).toBe(404);
    expect((await h.get(tenant(), id)).status).toBe(404);
    const [deleted] = await h.decide(commands.delete(t, id));
    expect(deleted).toMatchObject({ status: 204 });
    expect(deleted.body).toBeUndefined();
    const read = await h.get(t, id);
    expect(read).toMatchObject({ status: 404, body: { status: '404', schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'] } });
    expect((await h.query(t, { filter: 'userName eq "del@example.com"' })).body.totalResults).toBe(0);
    const after = await h.decide(commands.patch(t, id, [{ op: 'add', path: 'title', value: 'x' }]), commands.delete(t, id));
    expect(after.map((r) => r.status)).toEqual([404, 404]);
    const [again] = await h.decide(commands.create(t, { userName: 'DEL@example.com' }));
    expect(again.status).toBe(201);
    const events = await eventsOf(id, 2);
    expect(events.map((e) => e.type)).toEqual(['scim.user.created', 'scim.user.deleted']);
    expect(events[1].data.resource).toMatchObject({ id, userName: 'del@example.com' });
  });

  it('refuses unknown attributes under a strict profile naming them, and logs them with the tenant under ignore', async () => {
    const t = tenant();
    const strict = { ...PROFILE, unknownAttributes: 'strict' as const };
    const [refused] = await h.decide(commands.create(t, { userName: 'u@example.com', shoeSize: 42 }, strict));
    expect(refused).toMatchObject({ status: 400, body: { scimType: 'invalidSyntax', detail: expect.stringContaining('shoeSize') } });
    const [created] = await h.decide(commands.create(t, { userName: 'u@example.com', shoeSize: 42 }));
    expect(created.status).toBe(201);
    const [patched] = await h.decide(commands.patch(t, String(created.body!.id), [{ op: 'add', path: 'hatSize', value: '7' }], {}, strict));
    expect(patched).toMatchObject({ status: 400, body: { scimType: 'invalidPath', detail: expect.stringContaining('hatSize') } });
    const warning = h.service.logLines().find((l) => l.message === 'unknown attributes ignored' && l.tenantId === t);
    expect(warning).toMatchObject({ level: 'warn', attributes: ['shoeSize'], commandId: created.commandId });
  });

  it('re-sends the original reply to a redelivered command and changes nothing', async () => {
    const t = tenant();
    const create = commands.create(t, { userName: 'once@example.com' });
    const [first] = await h.decide(create);
    await h.send([create]);
    const deadline = Date.now() + 30000;
    let copies: unknown[] = [];
    while (copies.length < 2 && Date.now() < deadline) {
      copies = h.replies.json<{ commandId: string }>().filter((r) => r.commandId === create.value.commandId);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(copies).toEqual([first, first]);
    await h.events.settle(1500);
    expect(h.userEvents().filter((e) => e.subject === first.body!.id)).toHaveLength(1);
    expect((await h.query(t, {})).body.totalResults).toBe(1);
  });

  it('publishes exactly one event per accepted change, in order per user, on the user’s partition', async () => {
    const t = tenant();
    const created = await h.decide(...['a', 'b', 'c'].map((n) => commands.create(t, { userName: `${n}@order.example`, active: true })));
    const ids = created.map((r) => String(r.body!.id));
    // Interleaved changes of three users in one produce call: one partition, mostly one batch.
    const changes = ids.flatMap((id, i) => [
      commands.patch(t, id, [{ op: 'add', path: 'title', value: `T${i}` }]),
      commands.patch(t, id, [{ op: 'replace', path: 'active', value: false }]),
      commands.patch(t, id, [{ op: 'replace', path: 'active', value: false }]), // no-op
      commands.replace(t, id, { userName: `${i}@renamed.example`, active: true }),
    ]);
    const replies = await h.decide(...changes);
    expect(replies.map((r) => r.status)).toEqual(Array(12).fill(200));
    for (const id of ids) {
      const events = await eventsOf(id, 4);
      expect(events.map((e) => e.type)).toEqual(['scim.user.created', 'scim.user.updated', 'scim.user.deactivated', 'scim.user.reactivated']);
      const records = h.events.records.filter((r) => r.key === `${t}/${id}`);
      expect(new Set(records.map((r) => r.partition)).size).toBe(1);
      expect(records.map((r) => BigInt(r.offset))).toEqual(records.map((r) => BigInt(r.offset)).sort((a, b) => (a < b ? -1 : 1)));
    }
    await h.events.settle(1500);
    expect(h.userEvents().filter((e) => e.tenantid === t)).toHaveLength(12);
  });

  it('lets the database’s unique index have the last word on userName, even where case folding differs', async () => {
    // JavaScript folds "İ" to "i̇", Postgres lower() to "i": only the unique index sees the clash.
    const t = tenant();
    const [first] = await h.decide(commands.create(t, { userName: 'İstanbul@example.com' }));
    expect(first.status).toBe(201);
    const [alone] = await h.decide(commands.create(t, { userName: 'istanbul@example.com' }));
    expect(alone).toMatchObject({ status: 409, body: { scimType: 'uniqueness' } });
    // In a batch the refusal fails the batch, which the transport retries command by command.
    const batch = await h.decide(commands.create(t, { userName: 'ISTANBUL@example.com' }), commands.create(t, { userName: 'ankara@example.com' }));
    expect(batch.map((r) => r.status)).toEqual([409, 201]);
    expect((await h.query(t, {})).body.totalResults).toBe(2);
    await h.events.settle(1000);
    expect(
      h
        .userEvents()
        .filter((e) => e.tenantid === t)
        .map((e) => e.data.resource.userName),
    ).toEqual(['İstanbul@example.com', 'ankara@example.com']);
  });

  it('prunes stored replies older than the retention, and only those', async () => {
    await h.sql(`INSERT INTO command_replies (command_id, tenant_id, reply, created_at)
      SELECT 'old-' || n, 'prune', '{}'::jsonb, now() - interval '2 hours' FROM generate_series(1, 25000) AS n`);
    await h.sql(`INSERT INTO command_replies (command_id, tenant_id, reply) VALUES ('recent', 'prune', '{}'::jsonb)`);
    const dataSource = createDataSource({ url: h.databaseUrl, entities: [...USER_SERVICE_ENTITIES], migrations: [] });
    await dataSource.initialize();
    try {
      const config = { COMMAND_REPLY_RETENTION_MS: 3_600_000 } as UserServiceConfig;
      expect(await pruneCommandReplies(dataSource, config.COMMAND_REPLY_RETENTION_MS)).toBe(25000);
    } finally {
      await dataSource.destroy();
    }
    expect(await h.sql(`SELECT command_id FROM command_replies WHERE tenant_id = 'prune'`)).toEqual([{ command_id: 'recent' }]);
  });
});
