import { Client } from 'pg';
import { freePort, ServiceProcess } from './support/processes';
import { entraUser, ERROR_SCHEMA, GROUP_SCHEMA, patchOp, ScimClient, ScimResponse, ScimStack } from './support/scim-stack';

/**
 * Issue 13: two gateways, two user-services and two group-membership-services on one broker and
 * one set of databases, driven through both gateways in turn as a round-robin load balancer
 * would: Entra's sequence, a 5,000-create burst during which a third user-service joins and then
 * leaves its consumer group, and a tenant's rate limit, held once across both gateways.
 */
const stack = new ScimStack();
let gateways: ScimClient[][];
let tenants: ScimClient[];

beforeAll(async () => {
  await stack.start({}, { groups: true, instances: 2 });
  tenants = [await stack.tenant(), await stack.tenant()];
  gateways = tenants.map((t) => stack.throughEachGateway(t));
}, 180_000);
afterAll(() => stack.stop());

describe('two instances of every service', () => {
  it("runs Entra's user and group sequence with each request on the other gateway", async () => {
    const [a, b] = gateways[0];
    const body = entraUser();
    expect((await a.get(`/Users?filter=${encodeURIComponent(`userName eq "${body.userName}"`)}`)).body.totalResults).toBe(0);
    const created = await b.post('/Users', body);
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect((await a.get(`/Users/${id}`)).body.userName).toBe(body.userName);
    const patched = await b.patch(`/Users/${id}`, patchOp({ op: 'Replace', path: 'active', value: false }));
    expect(patched.body.active).toBe(false);
    expect((await a.get(`/Users?filter=${encodeURIComponent(`active eq false and id eq "${id}"`)}`)).body.totalResults).toBe(1);

    const group = await a.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: `g-${id}` });
    expect(group.status).toBe(201);
    expect((await b.patch(`/Groups/${group.body.id}`, patchOp({ op: 'Add', path: 'members', value: [{ value: id }] }))).status).toBe(204);
    const listed = await a.get(`/Groups/${group.body.id}`);
    expect((listed.body.members as Array<{ value: string }>).map((m) => m.value)).toEqual([id]);
    expect((await b.get(`/Users/${id}`)).body.groups).toEqual([expect.objectContaining({ value: group.body.id })]);

    expect((await a.delete(`/Users/${id}`)).status).toBe(204);
    const gone = await b.get(`/Users/${id}`);
    expect([gone.status, gone.body.schemas]).toEqual([404, [ERROR_SCHEMA]]);
    expect((await a.get(`/Groups/${group.body.id}`)).body.members ?? []).toEqual([]);
  });

  it('keeps every acknowledged create of a 5,000-create burst, once, while a user-service joins and leaves', async () => {
    const TOTAL = 5000;
    const CONCURRENCY = 48;
    const outcomes: Array<{ tenant: number; userName: string; status: number; id?: string }> = [];
    let next = 0;
    let joined: ServiceProcess | undefined;
    const membership = async () => {
      // A third user-service joins the consumer group a third of the way in and leaves (SIGTERM) at two thirds.
      while (outcomes.length < TOTAL / 3) await sleep(50);
      joined = await stack.startService('user-service', await freePort(), { KAFKA_SESSION_TIMEOUT_MS: '6000' });
      while (outcomes.length < (2 * TOTAL) / 3) await sleep(50);
      expect(await joined.kill('SIGTERM')).toBe(0);
    };
    const worker = async () => {
      while (next < TOTAL) {
        const n = next++;
        const tenant = n % 2;
        const client = gateways[tenant][Math.floor(n / 2) % 2]; // round robin over the gateways
        const body = entraUser();
        const res = await withRetryOn429(() => client.post('/Users', body));
        outcomes.push({ tenant, userName: String(body.userName), status: res.status, ...(res.status === 201 ? { id: res.body.id as string } : {}) });
      }
    };
    await Promise.all([membership(), ...Array.from({ length: CONCURRENCY }, worker)]);
    expect(joined?.running).toBe(false);

    const statuses = count(outcomes.map((o) => o.status));
    // 503 is the only other answer allowed: a decision that did not come in time (its write may still apply, once).
    expect(Object.keys(statuses).filter((s) => s !== '201' && s !== '503')).toEqual([]);
    expect(statuses['201']).toBeGreaterThanOrEqual(TOTAL * 0.9);

    // Durable: every 201 is a stored user of its tenant; nothing is stored twice or that no one sent.
    const db = new Client({ connectionString: stack.databaseUrlOf('user-service') });
    await db.connect();
    try {
      for (const [index, tenant] of tenants.entries()) {
        const rows = (await db.query<{ id: string; user_name: string }>(`SELECT id, user_name FROM users WHERE tenant_id = $1`, [tenant.id])).rows;
        const stored = new Set(rows.map((r) => r.id));
        const mine = outcomes.filter((o) => o.tenant === index);
        for (const o of mine.filter((o) => o.status === 201)) expect(stored.has(o.id!)).toBe(true);
        const sent = new Set(mine.map((o) => o.userName));
        expect(rows.filter((r) => !sent.has(r.user_name))).toEqual([]);
        expect(new Set(rows.map((r) => r.user_name.toLowerCase())).size).toBe(rows.length);
      }
      // One event per change: exactly one scim.user.created per stored user of the burst's tenants.
      const storedIds = (await db.query<{ id: string }>(`SELECT id FROM users WHERE tenant_id = ANY($1)`, [tenants.map((t) => t.id)])).rows.map((r) => r.id);
      await eventually(() => createdEvents(storedIds).size === storedIds.length, 60_000);
      const perSubject = count(
        stack.userEvents
          .json<{ type?: string; subject?: string }>()
          .filter((e) => e.type === 'scim.user.created' && storedIds.includes(e.subject!))
          .map((e) => e.subject!),
      );
      expect(Object.values(perSubject).filter((n) => n !== 1)).toEqual([]);
    } finally {
      await db.end();
    }
  }, 600_000);

  it("holds a tenant's rate limit once across both gateways, not once per gateway", async () => {
    const limited = await stack.tenant({ rateLimit: { requestsPerSecond: 10, burst: 10 } });
    const [a, b] = stack.throughEachGateway(limited);
    const started = Date.now();
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) statuses.push((await (i % 2 === 0 ? a : b).get('/ServiceProviderConfig')).status);
    const elapsedSeconds = (Date.now() - started) / 1000;
    const admitted = statuses.filter((s) => s === 200).length;
    expect(statuses.filter((s) => s !== 200 && s !== 429)).toEqual([]);
    // One bucket: its burst plus what refilled meanwhile. Two buckets would admit 20 and more.
    expect(admitted).toBeGreaterThanOrEqual(10);
    expect(admitted).toBeLessThanOrEqual(10 + Math.ceil(elapsedSeconds * 10) + 1);
    expect(elapsedSeconds).toBeLessThan(0.8); // so that the bound above stays below two buckets' 20
    expect(statuses.filter((s) => s === 429).length).toBe(60 - admitted);
  });
});

function createdEvents(ids: readonly string[]): Set<string> {
  const wanted = new Set(ids);
  return new Set(
    stack.userEvents
      .json<{ type?: string; subject?: string }>()
      .filter((e) => e.type === 'scim.user.created' && wanted.has(e.subject!))
      .map((e) => e.subject!),
  );
}

/** As Entra does: a 429 is retried after its Retry-After (capped at a second here). */
async function withRetryOn429(send: () => Promise<ScimResponse>): Promise<ScimResponse> {
  for (let attempt = 0; ; attempt++) {
    const res = await send();
    if (res.status !== 429 || attempt >= 20) return res;
    await sleep(Math.min(1000, Number(res.headers.get('retry-after') ?? 1) * 1000));
  }
}

function count<T extends string | number>(values: readonly T[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) counts[String(v)] = (counts[String(v)] ?? 0) + 1;
  return counts;
}

async function eventually(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(200);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
