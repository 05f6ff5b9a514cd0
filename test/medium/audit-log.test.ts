import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import {
  AuditRoutes,
  Topics,
  type AuditedChange,
  type AuditedRequest,
  type AuditPage,
  type IssuedAuditCredential,
  type ResourceHistory,
  type SummaryPage,
  type UserEvent,
} from '@app/contracts';
import { AuditPartitions, dayOf, partitionName } from '../../apps/audit-log-service/src/persistence/audit-partitions';
import { produce } from './support/kafka-helpers';
import { scrape, samplesOf } from './support/metrics-scrape';
import { uniqueId } from './support/names';
import { freePort } from './support/processes';
import { ENTRA_GROUP_SCHEMA, entraUser, GROUP_SCHEMA, PATCH_OP, patchOp, ScimClient, ScimStack, USER_SCHEMA } from './support/scim-stack';

/**
 * The audit log end to end: an Entra sequence through the gateway, then the query API answers
 * every request and every change with its differences, scoped to what each credential may see.
 */
const stack = new ScimStack();
let a: ScimClient;
let b: ScimClient;

async function audit<T>(path: string, token = stack.auditOpsToken, init: RequestInit = {}): Promise<{ status: number; body: T }> {
  const res = await fetch(stack.auditUrl + path, {
    ...init,
    headers: { authorization: `Bearer ${token}`, ...(init.body ? { 'content-type': 'application/json' } : {}), ...init.headers },
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await probe();
  while (!done(last)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last).slice(0, 2000)}`);
    await new Promise((r) => setTimeout(r, 250));
    last = await probe();
  }
  return last;
}

async function allRequests(tenantId: string, token = stack.auditOpsToken): Promise<AuditedRequest[]> {
  const out: AuditedRequest[] = [];
  let cursor: string | null = null;
  do {
    const page: { status: number; body: AuditPage<AuditedRequest> } = await audit<AuditPage<AuditedRequest>>(
      `${AuditRoutes.requests}?tenantId=${tenantId}&limit=500${cursor ? `&cursor=${cursor}` : ''}`,
      token,
    );
    expect(page.status).toBe(200);
    out.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return out;
}

beforeAll(async () => {
  await stack.start({}, { groups: true, audit: true, auditEnv: { AUDIT_CREDENTIAL_CACHE_TTL_MS: '0' } });
  a = await stack.tenant();
  b = await stack.tenant();
}, 180_000);

afterAll(() => stack.stop(), 60_000);

describe('audit log of an Entra sequence', () => {
  const sent: Array<{ clientRequestId: string; method: string; status: number; scimType?: string }> = [];
  let userId = '';
  let groupId = '';
  let otherUserId = '';
  let userName = '';
  let bUserId = '';

  async function entra(client: ScimClient, method: string, path: string, body?: unknown) {
    const clientRequestId = randomUUID();
    const res = await client.request(method, path, body, { 'client-request-id': clientRequestId });
    if (client === a) sent.push({ clientRequestId, method, status: res.status, scimType: res.body?.scimType });
    return res;
  }

  beforeAll(async () => {
    const user = entraUser();
    userName = user.userName as string;
    // Microsoft's validator sequence: look up, create, read, update, duplicate, bad filter, groups, delete.
    expect((await entra(a, 'GET', `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`)).status).toBe(200);
    const created = await entra(a, 'POST', '/Users', { ...user, password: 'S3cret-Do-Not-Log!', displayName: 'Before Name' });
    expect(created.status).toBe(201);
    userId = created.body.id;
    expect((await entra(a, 'GET', `/Users/${userId}`)).status).toBe(200);
    const patched = await entra(
      a,
      'PATCH',
      `/Users/${userId}`,
      patchOp(
        { op: 'Replace', path: 'displayName', value: 'After Name' },
        { op: 'Replace', path: 'active', value: 'False' },
        { op: 'Replace', path: 'name.givenName', value: 'Grace' },
      ),
    );
    expect(patched.status).toBe(200);
    expect((await entra(a, 'POST', '/Users', { ...user, externalId: 'other' })).status).toBe(409);
    expect((await entra(a, 'GET', `/Users?filter=${encodeURIComponent('userName eq')}`)).status).toBe(400);
    const otherBody = entraUser();
    const other = await entra(a, 'POST', '/Users', otherBody);
    otherUserId = other.body.id;
    const group = await entra(a, 'POST', '/Groups', {
      schemas: [GROUP_SCHEMA, ENTRA_GROUP_SCHEMA],
      displayName: `Group ${uniqueId('g')}`,
      externalId: 'g-ext',
      members: [{ value: otherUserId }],
    });
    expect(group.status).toBe(201);
    groupId = group.body.id;
    expect((await entra(a, 'PATCH', `/Groups/${groupId}`, patchOp({ op: 'Add', path: 'members', value: [{ value: userId }] }))).status).toBe(204);
    expect((await entra(a, 'PATCH', `/Groups/${groupId}`, patchOp({ op: 'Remove', path: `members[value eq "${userId}"]` }))).status).toBe(204);
    // Misspelled attributes are ignored under the default profile, and recorded.
    expect((await entra(a, 'PUT', `/Users/${otherUserId}`, { ...otherBody, displayNme: 'typo' })).status).toBe(200);
    expect((await entra(a, 'PATCH', `/Users/${otherUserId}`, patchOp({ op: 'replace', path: 'nickNme', value: 'typo' }))).status).toBe(200);
    expect((await entra(a, 'DELETE', `/Users/${userId}`)).status).toBe(204);
    // Tenant B does something too; A must never see it. Its passwords come in every form Entra's
    // PATCH dialect and a broken body can carry them.
    const bUser = await b.post('/Users', entraUser());
    expect(bUser.status).toBe(201);
    bUserId = bUser.body.id;
    expect((await b.patch(`/Users/${bUserId}`, { schemas: [PATCH_OP], Operations: [{ Op: 'Replace', Path: 'password', Value: 'Cap1tal-Secret!' }] })).status).toBe(200);
    expect((await b.request('POST', '/Users', '{"userName": "x@y", "password": Broken-Secret!}')).status).toBe(400);
    expect((await b.post('/Users', { ...entraUser(), password: 12345678901 })).status).toBe(400);

    await eventually(
      () => allRequests(a.id),
      (r) => r.length >= sent.length,
      `${sent.length} request records of tenant A`,
    );
    await eventually(
      () => allRequests(b.id),
      (r) => r.length >= 4,
      '4 request records of tenant B',
    );
    await eventually(
      () => audit<ResourceHistory>(AuditRoutes.history(a.id, 'User', userId)),
      (h) => h.body.changes?.some((c) => c.type === 'scim.user.deleted') && h.body.changes.some((c) => c.type === 'scim.membership.removed'),
      "the user's deletion and membership removal in its history",
    );
  }, 120_000);

  it('returns every request with what Entra sent and what the gateway answered', async () => {
    const records = await allRequests(a.id);
    expect(records).toHaveLength(sent.length);
    const byClientId = new Map(records.map((r) => [r.clientRequestId, r]));
    for (const s of sent) {
      const r = byClientId.get(s.clientRequestId);
      expect(r).toMatchObject({ tenantId: a.id, tokenId: expect.stringMatching(/.+/), method: s.method, status: s.status, scimType: s.scimType ?? null });
      expect(r!.latencyMs).toBeGreaterThan(0);
      expect(r!.correlationId).toMatch(/.+/);
    }
    const create = records.find((r) => r.method === 'POST' && r.status === 201 && r.resourceIds.includes(userId))!;
    expect(create).toMatchObject({ operation: 'create', resourceType: 'User', path: expect.stringMatching(/\/Users$/), userName });
    expect((create.responseBody as Record<string, unknown>).id).toBe(userId);
    // The password went to the user-service but never into the audit log.
    expect(JSON.stringify(records)).not.toContain('S3cret-Do-Not-Log!');
    expect((create.requestBody as Record<string, unknown>).password).toBe('[redacted]');
    const lookup = records.find((r) => r.operation === 'list' && r.status === 200)!;
    expect(lookup.userName).toBe(userName);
    expect(decodeURIComponent(lookup.query)).toContain(`userName eq "${userName}"`);
    // Newest first.
    const times = records.map((r) => r.receivedAt);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('never stores a password, however it was sent', async () => {
    const records = await allRequests(b.id);
    expect(records.map((r) => r.status).sort()).toEqual([200, 201, 400, 400]);
    const text = JSON.stringify(records);
    for (const secret of ['Cap1tal-Secret!', 'Broken-Secret', '12345678901']) expect(text).not.toContain(secret);
    const patch = records.find((r) => r.method === 'PATCH')!;
    expect(patch.resourceIds).toEqual([bUserId]);
  });

  it('filters requests by status, scimType, operation, resource and user, and pages with a cursor', async () => {
    const failed = await audit<AuditPage<AuditedRequest>>(`${AuditRoutes.requests}?tenantId=${a.id}&failed=true`);
    expect(failed.body.items.map((r) => [r.status, r.scimType]).sort()).toEqual([
      [400, 'invalidFilter'],
      [409, 'uniqueness'],
    ]);
    const conflict = await audit<AuditPage<AuditedRequest>>(`${AuditRoutes.requests}?tenantId=${a.id}&scimType=uniqueness`);
    expect(conflict.body.items).toHaveLength(1);
    expect((conflict.body.items[0].responseBody as Record<string, unknown>).scimType).toBe('uniqueness');
    expect((await audit<AuditPage<AuditedRequest>>(`${AuditRoutes.requests}?tenantId=${a.id}&status=4xx`)).body.items).toHaveLength(2);
    expect((await audit<AuditPage<AuditedRequest>>(`${AuditRoutes.requests}?tenantId=${a.id}&operation=patch`)).body.items).toHaveLength(4);
    const ignored = await audit<AuditPage<AuditedRequest>>(`${AuditRoutes.requests}?tenantId=${a.id}&ignored=true`);
    expect(ignored.body.items.map((r) => [r.method, r.ignoredAttributes.join()])).toEqual([
      ['PATCH', expect.stringMatching(/nickNme/)],
      ['PUT', expect.stringMatching(/displayNme/)],
    ]);
    const touching = await audit<AuditPage<AuditedRequest>>(`${AuditRoutes.requests}?tenantId=${a.id}&resourceId=${userId}`);
    // created, read, patched, added to and removed from the group, deleted
    expect(touching.body.items.map((r) => `${r.method} ${r.resourceType}`).sort()).toEqual(
      ['DELETE User', 'GET User', 'PATCH Group', 'PATCH Group', 'PATCH User', 'POST User'].sort(),
    );
    const byUser = await audit<AuditPage<AuditedRequest>>(`${AuditRoutes.requests}?tenantId=${a.id}&userName=${encodeURIComponent(userName.toUpperCase())}`);
    expect(byUser.body.items.length).toBeGreaterThanOrEqual(3); // lookup, create, duplicate create, read
    const one = sent[3];
    const byClient = await audit<AuditPage<AuditedRequest>>(`${AuditRoutes.requests}?clientRequestId=${one.clientRequestId}`);
    expect(byClient.body.items.map((r) => r.status)).toEqual([one.status]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: AuditPage<AuditedRequest> } = await audit<AuditPage<AuditedRequest>>(
        `${AuditRoutes.requests}?tenantId=${a.id}&limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.body.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.body.items.map((r) => r.recordId));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(sent.length);
    expect(new Set(seen).size).toBe(sent.length);

    const window = await audit<AuditPage<AuditedRequest>>(`${AuditRoutes.requests}?tenantId=${a.id}&from=${new Date(Date.now() + 60_000).toISOString()}`);
    expect(window.body.items).toEqual([]);
  });

  it("answers a user's history with the before and after of each change", async () => {
    const { body: history } = await audit<ResourceHistory>(AuditRoutes.history(a.id, 'User', userId));
    expect(history.changes.map((c) => c.type)).toEqual(['scim.user.created', 'scim.user.deactivated', 'scim.membership.added', 'scim.membership.removed', 'scim.user.deleted']);
    const [created, updated, added, removed, deleted] = history.changes as [AuditedChange, AuditedChange, AuditedChange, AuditedChange, AuditedChange];
    expect(created.differences).toEqual(
      expect.arrayContaining([
        { path: 'userName', op: 'added', before: null, after: userName },
        { path: 'displayName', op: 'added', before: null, after: 'Before Name' },
      ]),
    );
    expect(created.differences.map((d) => d.path)).not.toContain('password');
    expect(updated.differences).toEqual(
      expect.arrayContaining([
        { path: 'displayName', op: 'changed', before: 'Before Name', after: 'After Name' },
        { path: 'active', op: 'changed', before: true, after: false },
        { path: 'name.givenName', op: 'changed', before: 'givenName', after: 'Grace' },
      ]),
    );
    expect(updated.differences.map((d) => d.path).sort()).toEqual(['active', 'displayName', 'name.givenName']);
    expect(added).toMatchObject({ resourceType: 'Group', resourceId: groupId, memberIds: [userId] });
    expect(removed.differences).toEqual([{ path: 'members', op: 'removed', before: [userId], after: null }]);
    expect(deleted.differences).toEqual(expect.arrayContaining([{ path: 'userName', op: 'removed', before: userName, after: null }]));
    expect(history.current).toMatchObject({ resourceId: userId, deleted: true, userName });
    // Each change names the request that caused it.
    const patchRecord = (await audit<AuditPage<AuditedRequest>>(`${AuditRoutes.requests}?correlationId=${updated.correlationId}`)).body.items;
    expect(patchRecord.map((r) => `${r.method} ${r.status}`)).toEqual(['PATCH 200']);

    const changes = await audit<AuditPage<AuditedChange>>(`${AuditRoutes.changes}?tenantId=${a.id}&resourceType=Group&resourceId=${groupId}`);
    expect(changes.body.items.map((c) => c.type).reverse()).toEqual(['scim.group.created', 'scim.membership.added', 'scim.membership.added', 'scim.membership.removed']);
    // The history pages in time order, and a request cursor is no change cursor.
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: ResourceHistory } = await audit<ResourceHistory>(`${AuditRoutes.history(a.id, 'User', userId)}?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      paged.push(...page.body.changes.map((c) => c.eventId));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(paged).toEqual(history.changes.map((c) => c.eventId));
    const requestCursor = (await audit<AuditPage<AuditedRequest>>(`${AuditRoutes.requests}?tenantId=${a.id}&limit=1`)).body.nextCursor;
    expect((await audit(`${AuditRoutes.changes}?cursor=${requestCursor}`)).status).toBe(400);
    const byMember = await audit<AuditPage<AuditedChange>>(`${AuditRoutes.changes}?tenantId=${a.id}&memberId=${otherUserId}`);
    expect(byMember.body.items.map((c) => c.type)).toEqual(['scim.membership.added']);
  });

  it('finds users by userName prefix and summarises a tenant per bucket', async () => {
    const found = await audit<Array<{ resourceId: string }>>(
      `${AuditRoutes.resources}?tenantId=${a.id}&resourceType=User&q=${encodeURIComponent(userName.slice(0, 12).toLowerCase())}`,
    );
    expect(found.body.map((r) => r.resourceId)).toContain(userId);
    const { body: summary } = await audit<SummaryPage>(`${AuditRoutes.summaries}?tenantId=${a.id}&bucket=1d&from=${new Date(Date.now() - 2 * 86_400_000).toISOString()}`);
    const total = summary.items.reduce((n, i) => n + i.requests, 0);
    expect(total).toBe(sent.length);
    const failures = summary.items.reduce<Record<string, number>>((acc, i) => {
      for (const [k, v] of Object.entries(i.failuresByScimType)) acc[k] = (acc[k] ?? 0) + v;
      return acc;
    }, {});
    expect(failures).toEqual({ uniqueness: 1, invalidFilter: 1 });
    expect(summary.items.every((i) => i.tenantId === a.id && i.p99LatencyMs >= i.p50LatencyMs && i.p50LatencyMs > 0)).toBe(true);
    expect((await audit(`${AuditRoutes.summaries}?bucket=1m&from=2020-01-01T00:00:00Z`)).status).toBe(400);
  });

  it('scopes a tenant credential to its own tenant and refuses the rest', async () => {
    const issued = await audit<IssuedAuditCredential>(AuditRoutes.credentials, stack.auditOpsToken, {
      method: 'POST',
      body: JSON.stringify({ tenantId: a.id, label: 'tenant A admin' }),
    });
    expect(issued.status).toBe(201);
    const token = issued.body.token;
    expect(await audit(AuditRoutes.whoami, token)).toEqual({ status: 200, body: { kind: 'tenant', tenantId: a.id } });
    const mine = await audit<AuditPage<AuditedRequest>>(`${AuditRoutes.requests}?limit=500`, token);
    expect(mine.body.items.length).toBe(sent.length);
    expect(mine.body.items.every((r) => r.tenantId === a.id)).toBe(true);
    expect((await audit(`${AuditRoutes.requests}?tenantId=${b.id}`, token)).status).toBe(403);
    expect((await audit(`${AuditRoutes.changes}?tenantId=${b.id}`, token)).status).toBe(403);
    expect((await audit(AuditRoutes.history(b.id, 'User', userId), token)).status).toBe(403);
    expect((await audit<Array<{ tenantId: string }>>(AuditRoutes.tenants, token)).body.map((t) => t.tenantId)).toEqual([a.id]);
    const summary = await audit<SummaryPage>(AuditRoutes.summaries, token);
    expect(summary.body.items.every((i) => i.tenantId === a.id)).toBe(true);
    expect((await audit(AuditRoutes.credentials, token, { method: 'POST', body: JSON.stringify({ tenantId: a.id }) })).status).toBe(403);
    // Ops sees both tenants.
    const tenants = (await audit<Array<{ tenantId: string }>>(AuditRoutes.tenants)).body.map((t) => t.tenantId);
    expect(tenants).toEqual(expect.arrayContaining([a.id, b.id]));
    // Bad credentials, and a revoked one.
    expect((await audit(AuditRoutes.whoami, 'not-a-token')).status).toBe(401);
    expect((await fetch(stack.auditUrl + AuditRoutes.requests)).status).toBe(401);
    expect((await audit(`/audit/v1/credentials/${issued.body.id}`, stack.auditOpsToken, { method: 'DELETE' })).status).toBe(204);
    expect((await audit(AuditRoutes.whoami, token)).status).toBe(401);
  });

  it('counts the records sent and the ingest lag in /metrics', async () => {
    const gateway = await scrape(stack.gatewayUrl);
    const sentRecords = samplesOf(gateway, 'scim_audit_request_records_total', { outcome: 'sent' })[0]?.value ?? 0;
    expect(sentRecords).toBeGreaterThanOrEqual(sent.length);
    expect(samplesOf(gateway, 'scim_audit_request_records_total', { outcome: 'dropped' })[0]?.value ?? 0).toBe(0);
    const auditLog = await scrape(stack.auditUrl);
    expect(samplesOf(auditLog, 'scim_audit_ingest_lag_seconds_count', { kind: 'request' })[0]?.value).toBeGreaterThanOrEqual(sent.length);
    expect(samplesOf(auditLog, 'scim_audit_ingest_lag_seconds_count', { kind: 'change' })[0]?.value).toBeGreaterThan(0);
  });

  it('answers bad query parameters with 400', async () => {
    const oddCursor = Buffer.from(JSON.stringify(['1', 'x'])).toString('base64url');
    const badDayCursor = Buffer.from(JSON.stringify(['2026-02-30T00:00:00Z', 'x'])).toString('base64url');
    for (const q of [
      'limit=0',
      'limit=x',
      'from=yesterday',
      'from=0000-01-01T00:00:00Z',
      'to=2026-02-30T00:00:00Z',
      'status=99',
      'resourceType=Device',
      'cursor=garbage',
      `cursor=${oddCursor}`,
      `cursor=${badDayCursor}`,
      'operation=frobnicate',
      'failed=maybe',
    ]) {
      expect([q, (await audit(`${AuditRoutes.requests}?${q}`)).status]).toEqual([q, 400]);
    }
    expect((await audit(AuditRoutes.history(a.id, 'Device' as never, userId))).status).toBe(400);
  });
});

describe('audit store', () => {
  let db: Client;

  beforeAll(async () => {
    db = new Client({ connectionString: stack.databaseUrlOf('audit-log-service') });
    await db.connect();
  });
  afterAll(() => db.end());

  it('is append-only', async () => {
    await expect(db.query(`UPDATE audit_requests SET status = 200 WHERE tenant_id = $1`, [a.id])).rejects.toThrow(/append-only/);
    await expect(db.query(`DELETE FROM audit_changes WHERE tenant_id = $1`, [a.id])).rejects.toThrow(/append-only/);
  });

  it('stores a redelivered record or event once, and nothing older than the retention period', async () => {
    const tenantId = `t-${randomUUID()}`;
    const record = {
      recordId: randomUUID(),
      tenantId,
      tokenId: null,
      method: 'GET',
      path: '/scim/v2/Users',
      query: '',
      status: 200,
      scimType: null,
      latencyMs: 1.5,
      correlationId: randomUUID(),
      clientRequestId: null,
      resourceIds: [],
      receivedAt: new Date().toISOString(),
      operation: 'list',
    };
    const ancient = { ...record, recordId: randomUUID(), receivedAt: new Date(Date.now() - 400 * 86_400_000).toISOString() };
    const userId = randomUUID();
    const now = new Date().toISOString();
    const event: UserEvent = {
      specversion: '1.0',
      id: randomUUID(),
      source: '/scim/user-service',
      type: 'scim.user.created',
      subject: userId,
      time: new Date().toISOString(),
      datacontenttype: 'application/json',
      tenantid: tenantId,
      data: {
        resource: { schemas: [USER_SCHEMA], id: userId, userName: 'dup@example.com', meta: { resourceType: 'User', created: now, lastModified: now, version: 'W/"1"' } },
        changedAttributes: ['userName'],
      },
    };
    await produce(
      stack.kafka,
      stack.prefix + Topics.requestRecords,
      [record, ancient, record].map((value) => ({ key: tenantId, value })),
    );
    await produce(
      stack.kafka,
      stack.prefix + Topics.userEvents,
      [event, event].map((value) => ({ key: `${tenantId}/${userId}`, value })),
    );
    const marker = { ...record, recordId: randomUUID(), path: '/scim/v2/marker' };
    const withName = { ...event.data.resource, displayName: 'Updated' };
    const updated: UserEvent = {
      ...event,
      id: randomUUID(),
      type: 'scim.user.updated',
      time: new Date(Date.now() + 1000).toISOString(),
      data: { resource: withName, changedAttributes: ['displayName'] },
    };
    await produce(stack.kafka, stack.prefix + Topics.requestRecords, [{ key: tenantId, value: marker }]);
    await produce(stack.kafka, stack.prefix + Topics.userEvents, [{ key: `${tenantId}/${userId}`, value: updated }]);
    await eventually(
      async () => (await db.query(`SELECT count(*)::int AS n FROM audit_changes WHERE tenant_id = $1`, [tenantId])).rows[0].n as number,
      (n) => n >= 2,
      'the marker event',
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${stack.processes.get('audit-log-service')!.logTail(20)}`);
    });
    await eventually(
      async () => (await db.query(`SELECT count(*)::int AS n FROM audit_requests WHERE tenant_id = $1 AND path = '/scim/v2/marker'`, [tenantId])).rows[0].n as number,
      (n) => n === 1,
      'the marker record',
    );
    // The creation redelivered after the update (a replay from the dead-letter topic, say) changes nothing.
    await produce(stack.kafka, stack.prefix + Topics.userEvents, [{ key: `${tenantId}/${userId}`, value: event }]);
    const marker2 = { ...record, recordId: randomUUID(), path: '/scim/v2/marker2' };
    await produce(stack.kafka, stack.prefix + Topics.requestRecords, [{ key: tenantId, value: marker2 }]);
    const lastEvent: UserEvent = {
      ...event,
      id: randomUUID(),
      type: 'scim.user.deactivated',
      time: new Date(Date.now() + 2000).toISOString(),
      data: { resource: { ...withName, active: false }, changedAttributes: ['active'] },
    };
    await produce(stack.kafka, stack.prefix + Topics.userEvents, [{ key: `${tenantId}/${userId}`, value: lastEvent }]);
    await eventually(
      async () => (await db.query(`SELECT last_event_id FROM audit_resources WHERE tenant_id = $1`, [tenantId])).rows[0]?.last_event_id as string,
      (id) => id === lastEvent.id,
      'the last event in the resource state',
    );
    const requests = await db.query(`SELECT record_id FROM audit_requests WHERE tenant_id = $1 AND path <> '/scim/v2/marker2' ORDER BY path`, [tenantId]);
    expect(requests.rows.map((r) => r.record_id)).toEqual([record.recordId, marker.recordId]);
    const changes = await db.query(`SELECT type FROM audit_changes WHERE tenant_id = $1 ORDER BY occurred_at`, [tenantId]);
    expect(changes.rows.map((r) => r.type)).toEqual(['scim.user.created', 'scim.user.updated', 'scim.user.deactivated']);
    // Had the late creation taken the state back, the deactivation would also show displayName added.
    const last = await db.query(`SELECT differences FROM audit_changes WHERE event_id = $1`, [lastEvent.id]);
    expect(last.rows[0].differences).toEqual([{ path: 'active', op: 'added', before: null, after: false }]);
  });

  it('drops whole days past the retention period and keeps the rest', async () => {
    const ds = await new DataSource({ type: 'postgres', url: stack.databaseUrlOf('audit-log-service') }).initialize();
    try {
      const partitions = new AuditPartitions(ds);
      const now = new Date();
      const old = new Date(now.getTime() - 10 * 86_400_000);
      const recent = new Date(now.getTime() - 2 * 86_400_000);
      await partitions.ensureFor('audit_requests', [old, recent]);
      await ds.query(
        `INSERT INTO audit_requests (record_id, received_at, method, path, status, latency_ms, correlation_id, operation) VALUES ($1, $2, 'GET', '/x', 200, 1, 'c', 'list'), ($3, $4, 'GET', '/x', 200, 1, 'c', 'list')`,
        [randomUUID(), old.toISOString(), randomUUID(), recent.toISOString()],
      );
      const dropped = await partitions.dropExpired(now, 5);
      expect(dropped).toContain(partitionName('audit_requests', dayOf(old)));
      expect(dropped).not.toContain(partitionName('audit_requests', dayOf(recent)));
      const names = await partitions.existing();
      expect(names).toContain(partitionName('audit_requests', dayOf(recent)));
      expect(names).toContain(partitionName('audit_changes', dayOf(now)));
      expect(names).not.toContain(partitionName('audit_requests', dayOf(old)));
    } finally {
      await ds.destroy();
    }
  });
});

describe('a request its client gave up on', () => {
  it('is recorded as 499 with its tenant', async () => {
    // A user-service that never answers: the gateway's list request waits while the client leaves.
    const held: http.ServerResponse[] = [];
    const silent = http.createServer((_req, res) => void held.push(res));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = await freePort();
    try {
      const gateway = await stack.startService('scim-gateway', port, {
        ADMIN_TOKEN: stack.adminToken,
        USER_SERVICE_URL: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`,
        USER_GROUPS_ATTRIBUTE: 'false',
      });
      const id = randomUUID();
      const aborted = fetch(`${gateway.url}/scim/v2/Users?count=1`, {
        headers: { authorization: `Bearer ${a.tenant.token}`, 'client-request-id': id },
        signal: AbortSignal.timeout(500),
      });
      await expect(aborted).rejects.toThrow();
      const found = await eventually(
        () => audit<AuditPage<AuditedRequest>>(`${AuditRoutes.requests}?clientRequestId=${id}`),
        (r) => r.body.items.length === 1,
        `record ${id}`,
        30_000,
      );
      expect(found.body.items[0]).toMatchObject({ status: 499, tenantId: a.id, operation: 'list', responseBody: null });
      expect(found.body.items[0].latencyMs).toBeGreaterThanOrEqual(400);
      await gateway.kill('SIGKILL');
    } finally {
      for (const res of held) res.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

describe('gateway shutdown', () => {
  it('sends the request records it still holds before it exits', async () => {
    const port = await freePort();
    const gateway = await stack.startService('scim-gateway', port, {
      ADMIN_TOKEN: stack.adminToken,
      USER_SERVICE_URL: stack.processes.get('user-service')!.url,
      GROUP_SERVICE_URL: stack.processes.get('group-membership-service')!.url,
      // Nothing would be sent for a minute: only the shutdown flush can deliver these.
      AUDIT_FLUSH_INTERVAL_MS: '60000',
    });
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const id = randomUUID();
      ids.push(id);
      const res = await fetch(`${gateway.url}/scim/v2/Users?count=1`, { headers: { authorization: `Bearer ${a.tenant.token}`, 'client-request-id': id } });
      expect(res.status).toBe(200);
    }
    expect(await gateway.kill('SIGTERM')).toBe(0);
    for (const id of ids) {
      const found = await eventually(
        () => audit<AuditPage<AuditedRequest>>(`${AuditRoutes.requests}?clientRequestId=${id}`),
        (r) => r.body.items.length === 1,
        `record ${id}`,
        30_000,
      );
      expect(found.body.items[0]).toMatchObject({ status: 200, tenantId: a.id, operation: 'list' });
    }
  });
});
