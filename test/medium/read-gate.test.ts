import { Client } from 'pg';
import { SCIM_ERROR_SCHEMA } from '@app/scim';
import { UserServiceHarness } from './support/user-service-harness';

/**
 * The read path of an owning service under one tenant's load (issue 10, docs/security.md), on the
 * built user-service and real Postgres: a tenant's reads take at most INTERNAL_QUERY_TENANT_CONCURRENCY
 * connections, the rest wait in line and are answered 503 after INTERNAL_QUERY_QUEUE_MS while another
 * tenant's read still gets its own; and a read whose caller hangs up has its statement cancelled at
 * once instead of holding a connection until the statement timeout.
 * Reads are held by a table lock, so what runs is visible in pg_stat_activity.
 */
describe('per-tenant reads and cancelled reads (real Postgres, the built user-service)', () => {
  let harness: UserServiceHarness;
  let locker: Client;

  beforeAll(async () => {
    harness = await UserServiceHarness.create('read_gate');
    await harness.start({ INTERNAL_QUERY_TENANT_CONCURRENCY: '4', INTERNAL_QUERY_QUEUE_MS: '700', DATABASE_STATEMENT_TIMEOUT_MS: '20000' });
  }, 120_000);

  afterAll(async () => {
    await harness?.stop();
  });

  beforeEach(async () => {
    locker = new Client({ connectionString: harness.databaseUrl });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE users IN ACCESS EXCLUSIVE MODE');
  });

  afterEach(async () => {
    await locker.query('ROLLBACK').catch(() => undefined);
    await locker.end();
  });

  /** Statements of the user-service waiting for the test's lock on users (asked on a connection of its own: pg_stat_activity is a snapshot per transaction). */
  const waitingReads = async () => {
    const rows = await harness.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%FROM users u%'`,
    );
    return rows[0].n;
  };

  it("runs four reads of a tenant at once, answers the rest 503 after their wait, and still runs another tenant's read", async () => {
    const greedy = Array.from({ length: 6 }, () => harness.query('greedy', { filter: 'userName eq "a@example.com"' }));
    await new Promise((r) => setTimeout(r, 150));
    const other = harness.query('other', { filter: 'userName eq "b@example.com"' });
    await until(async () => (await waitingReads()) === 5);
    await new Promise((r) => setTimeout(r, 900)); // past the greedy tenant's 700 ms wait in line
    expect(await waitingReads()).toBe(5); // four of the greedy tenant's, one of the other's: not seven
    await locker.query('ROLLBACK');
    const answers = await Promise.all(greedy);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 503, 503]);
    expect(answers.find((a) => a.status === 503)!.body).toEqual({ schemas: [SCIM_ERROR_SCHEMA], status: '503', detail: expect.stringMatching(/Too many reads of this tenant/) });
    expect((await other).status).toBe(200);
  }, 30_000);

  it('cancels the statement of a read whose caller hung up, while the lock is still held', async () => {
    const caller = new AbortController();
    const read = harness.query('hangs-up', { filter: 'userName eq "c@example.com"' }, caller.signal).catch((error: Error) => error);
    await until(async () => (await waitingReads()) === 1);
    caller.abort();
    expect(await read).toHaveProperty('name', 'AbortError');
    // Without cancellation the statement would wait for the lock up to the 20 s statement timeout.
    await until(async () => (await waitingReads()) === 0, 3000);
    // The connection went back to the pool in working order.
    await locker.query('ROLLBACK');
    expect((await harness.query('hangs-up', {})).status).toBe(200);
  }, 30_000);
});

async function until(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
