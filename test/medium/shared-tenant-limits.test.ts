import { DataSource } from 'typeorm';
import { openDatabase } from '@app/persistence';
import { GATEWAY_ENTITIES, GATEWAY_MIGRATIONS } from '../../apps/scim-gateway/src/scim-gateway.definition';
import { GatewayInstances, SharedTokenBuckets } from '../../apps/scim-gateway/src/rate-limit/shared-tenant-limits';
import { TokenBucketLimiter } from '../../apps/scim-gateway/src/rate-limit/token-bucket';
import { dropTestDatabase, testDatabaseUrl } from './support/databases';
import { readInfra } from './support/test-infra';

/**
 * A tenant's limits held once across gateway instances, on real Postgres: two SharedTokenBuckets
 * (as two instances would hold) lease from one bucket row, so together they admit one tenant's
 * burst and rate, where buckets of their own admit twice that; instances count each other.
 */
const infra = readInfra();
const databaseUrl = testDatabaseUrl(infra.postgresUrl, 'shared_limits');
let dataSource: DataSource;
const warnings: string[] = [];
const log = { warn: (message: string) => void warnings.push(message) };

beforeAll(async () => {
  dataSource = await openDatabase({ url: databaseUrl, entities: [...GATEWAY_ENTITIES], migrations: [...GATEWAY_MIGRATIONS] });
});
afterAll(async () => {
  if (dataSource?.isInitialized) await dataSource.destroy();
  await dropTestDatabase(databaseUrl);
});

async function newTenant(): Promise<string> {
  const rows: Array<{ id: string }> = await dataSource.query(`INSERT INTO tenants (name, profile) VALUES ('t-' || gen_random_uuid(), '{}') RETURNING id`);
  return rows[0].id;
}

describe('SharedTokenBuckets', () => {
  it("admits one tenant's burst once across two instances, where per-instance buckets admit it twice", async () => {
    const tenant = await newTenant();
    const limit = { requestsPerSecond: 2, burst: 10 };
    const a = new SharedTokenBuckets(dataSource, log);
    const b = new SharedTokenBuckets(dataSource, log);
    const started = Date.now();
    const outcomes = [];
    for (let i = 0; i < 40; i++) outcomes.push(await (i % 2 === 0 ? a : b).take(tenant, limit));
    const elapsedSeconds = (Date.now() - started) / 1000;
    const allowed = outcomes.filter((o) => o.allowed).length;
    expect(allowed).toBeGreaterThanOrEqual(10);
    expect(allowed).toBeLessThanOrEqual(10 + Math.ceil(elapsedSeconds * limit.requestsPerSecond));
    expect(outcomes.filter((o) => !o.allowed).every((o) => !o.allowed && o.retryAfterSeconds >= 1)).toBe(true);

    // The same traffic against a bucket per instance: twice the burst.
    const local = [new TokenBucketLimiter(), new TokenBucketLimiter()];
    const perInstance = Array.from({ length: 40 }, (_, i) => local[i % 2].take(tenant, limit)).filter((o) => o.allowed).length;
    expect(perInstance).toBe(20);
  });

  it('shares concurrent requests of one instance through one lease, and refills at the rate', async () => {
    const tenant = await newTenant();
    const limit = { requestsPerSecond: 100, burst: 100 };
    const a = new SharedTokenBuckets(dataSource, log);
    const b = new SharedTokenBuckets(dataSource, log);
    const burst = await Promise.all(Array.from({ length: 150 }, (_, i) => (i % 2 === 0 ? a : b).take(tenant, limit)));
    const allowed = burst.filter((o) => o.allowed).length;
    // The burst, and what refilled while the statements ran; not the 150 two buckets would admit.
    expect(allowed).toBeGreaterThanOrEqual(100);
    expect(allowed).toBeLessThanOrEqual(115);
    const row: Array<{ tokens: number }> = await dataSource.query('SELECT tokens FROM tenant_rate_buckets WHERE tenant_id = $1', [tenant]);
    expect(row[0].tokens).toBeLessThan(100);
    await new Promise((r) => setTimeout(r, 1100)); // leases lapse; the bucket refills
    expect((await a.take(tenant, limit)).allowed).toBe(true);
  });

  it('keeps admitting, per instance, when the database cannot be asked', async () => {
    const own = await openDatabase({ url: databaseUrl, entities: [...GATEWAY_ENTITIES], migrations: [] });
    const tenant = await newTenant();
    const buckets = new SharedTokenBuckets(own, log);
    expect((await buckets.take(tenant, { requestsPerSecond: 1, burst: 1 })).allowed).toBe(true);
    await own.destroy();
    warnings.length = 0;
    const limit = { requestsPerSecond: 1, burst: 3 };
    const outcomes = [];
    for (let i = 0; i < 4; i++) outcomes.push(await buckets.take(tenant, limit));
    expect(outcomes.map((o) => o.allowed)).toEqual([true, true, true, false]);
    expect(warnings).toEqual([expect.stringContaining('shared rate limits unavailable')]);
  });
});

describe('GatewayInstances', () => {
  it('counts the instances alive, and one fewer once one stops', async () => {
    const first = new GatewayInstances(dataSource, log, 200);
    const second = new GatewayInstances(dataSource, log, 200);
    await first.start();
    await second.start();
    await waitFor(() => first.count === 2 && second.count === 2);
    await second.stop();
    await waitFor(() => first.count === 1);
    await first.stop();
    const left: Array<{ n: string }> = await dataSource.query('SELECT count(*) AS n FROM gateway_instances WHERE instance_id = ANY($1)', [[first.instanceId, second.instanceId]]);
    expect(Number(left[0].n)).toBe(0);
  });
});

async function waitFor(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
