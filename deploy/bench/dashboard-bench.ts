import { createHash } from 'node:crypto';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { withDatabase } from '@app/persistence';
import { AuditPartitions } from '../../apps/audit-log-service/src/persistence/audit-partitions';
import { LATENCY_BOUNDS_MS } from '../../apps/audit-log-service/src/domain/request-outcome';
import { FIRST_DATA_MARK } from '../../apps/audit-dashboard/src/marks';
import { HeadlessChromium } from '../local/headless-chromium';
import type { RunningStack } from './stack-handle';
import { round, Samples } from './stats';

export interface DashboardBenchOptions {
  /** Request records loaded into the audit store before the dashboard is opened (0: none). */
  records: number;
  /** Tenants the records belong to. */
  tenants: number;
  /** Page loads measured after the first (cold) one. */
  loads: number;
  progress: (line: string) => void;
}

const CHUNK = 100_000;
const AUDIT_DATABASE = 'scim_audit_log_service';
const RECORD_PREFIX = 'bench-dashboard-';
const DAY_SECONDS = 86_400;

/** The bench's tenant ids: derived from their number, so a second run finds the same ones. */
function benchTenantIds(n: number): string[] {
  return Array.from({ length: n }, (_, i) => {
    const h = createHash('md5').update(`bench-dashboard:${i}`).digest('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
  });
}

/** AuditPartitions over a plain pg client: the bench makes the day partitions the service would. */
function partitionsOver(client: Client): AuditPartitions {
  const query = async (sql: string, params?: unknown[]) => (await client.query(sql, params)).rows;
  const dataSource = {
    query,
    transaction: async <T>(work: (tx: { query: typeof query }) => Promise<T>): Promise<T> => {
      await client.query('BEGIN');
      try {
        const result = await work({ query });
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK');
        throw err;
      }
    },
  };
  return new AuditPartitions(dataSource as unknown as DataSource);
}

/**
 * Loads `records` request records spread over the last 24 hours across the bench's tenants (a
 * realistic mix: mostly lookups and creates answered 200/201, some 409s, 429s, 401s and 5xxs),
 * with the per-minute rollups and tenant facts an ingest of them would have written, by SQL in
 * chunks.
 */
async function preloadRecords(client: Client, tenantIds: string[], options: DashboardBenchOptions): Promise<{ seconds: number }> {
  const started = performance.now();
  const now = new Date();
  await partitionsOver(client).ensureFor('audit_requests', [new Date(now.getTime() - DAY_SECONDS * 1000), now]);
  for (let from = 1; from <= options.records; from += CHUNK) {
    const to = Math.min(options.records, from + CHUNK - 1);
    await client.query(
      `INSERT INTO audit_requests (record_id, received_at, tenant_id, token_id, method, path, query, status, scim_type, latency_ms,
                                   correlation_id, resource_type, operation, resource_ids, user_name, request_body, response_body)
       SELECT $1 || g, $2::timestamptz - make_interval(secs => (g::bigint * 7919) % $3), ($4::text[])[1 + g % array_length($4::text[], 1)], NULL,
              CASE WHEN g % 2 = 0 THEN 'GET' ELSE 'POST' END,
              '/scim/v2/Users', CASE WHEN g % 2 = 0 THEN 'filter=userName eq "user' || g || '@example.com"' ELSE '' END,
              s.status, CASE s.status WHEN 409 THEN 'uniqueness' WHEN 400 THEN 'invalidValue' END,
              5 + (g * 37) % 400, 'bench-' || g, 'User', CASE WHEN g % 2 = 0 THEN 'query' ELSE 'create' END, '{}',
              'user' || g || '@example.com',
              CASE WHEN g % 2 = 1 THEN jsonb_build_object('userName', 'user' || g || '@example.com') END,
              jsonb_build_object('status', s.status)
       FROM generate_series($5::int, $6::int) AS g,
            LATERAL (SELECT CASE WHEN g % 100 < 94 THEN (CASE WHEN g % 2 = 0 THEN 200 ELSE 201 END)
                                 WHEN g % 100 < 97 THEN 409 WHEN g % 100 < 98 THEN 400 WHEN g % 100 < 99 THEN 429
                                 WHEN g % 1000 < 995 THEN 401 ELSE 503 END AS status) s`,
      [RECORD_PREFIX, now.toISOString(), DAY_SECONDS, tenantIds, from, to],
    );
    options.progress(`dashboard: ${to} of ${options.records} request records stored`);
  }
  // What the ingest keeps beside the records: per-minute rollups, and each tenant's facts.
  const bucketOf = `CASE ${LATENCY_BOUNDS_MS.map((b, i) => `WHEN latency_ms <= ${b} THEN ${i}`).join(' ')} ELSE ${LATENCY_BOUNDS_MS.length} END`;
  const histogram = `ARRAY[${[...LATENCY_BOUNDS_MS, Infinity].map((_, i) => `count(*) FILTER (WHERE b = ${i})`).join(', ')}]::integer[]`;
  await client.query(
    `INSERT INTO audit_request_rollups
     SELECT tenant_id, minute, count(*), count(*) FILTER (WHERE status < 400),
            count(*) FILTER (WHERE status >= 400 AND status < 500 AND status NOT IN (401, 429, 499)),
            count(*) FILTER (WHERE status >= 500 OR status = 499), count(*) FILTER (WHERE status = 429),
            count(*) FILTER (WHERE status = 401), sum(latency_ms), ${histogram},
            coalesce(jsonb_object_agg(kind, n) FILTER (WHERE kind IS NOT NULL), '{}')
     FROM (SELECT tenant_id, minute, status, latency_ms, b, kind, count(*) OVER (PARTITION BY tenant_id, minute, kind) AS n
           FROM (SELECT tenant_id, date_trunc('minute', received_at) AS minute, status, latency_ms, ${bucketOf} AS b,
                        CASE WHEN status >= 400 THEN coalesce(scim_type, 'status:' || status) END AS kind
                 FROM audit_requests WHERE tenant_id = ANY($1) AND record_id LIKE $2) r) k
     GROUP BY tenant_id, minute
     ON CONFLICT (tenant_id, minute) DO NOTHING`,
    [tenantIds, `${RECORD_PREFIX}%`],
  );
  await client.query(
    `INSERT INTO audit_tenants (tenant_id, name, first_seen_at, last_seen_at, last_success_at, last_unauthorized_at)
     SELECT tenant_id, 'bench dashboard ' || (row_number() OVER (ORDER BY tenant_id)), min(received_at), max(received_at),
            max(received_at) FILTER (WHERE status < 400), max(received_at) FILTER (WHERE status = 401)
     FROM audit_requests WHERE tenant_id = ANY($1) GROUP BY tenant_id
     ON CONFLICT (tenant_id) DO NOTHING`,
    [tenantIds],
  );
  await client.query('ANALYZE audit_requests');
  await client.query('ANALYZE audit_request_rollups');
  return { seconds: round((performance.now() - started) / 1000) };
}

/**
 * Takes the bench's records out again. The log is append-only (a trigger refuses DELETE): the
 * bench's own session sets `session_replication_role = replica`, which skips triggers for it only.
 */
async function removeRecords(client: Client, tenantIds: string[]): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query('SET LOCAL session_replication_role = replica');
    await client.query('DELETE FROM audit_requests WHERE tenant_id = ANY($1) AND record_id LIKE $2', [tenantIds, `${RECORD_PREFIX}%`]);
    await client.query('DELETE FROM audit_request_rollups WHERE tenant_id = ANY($1)', [tenantIds]);
    await client.query('DELETE FROM audit_tenants WHERE tenant_id = ANY($1)', [tenantIds]);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  }
}

/**
 * The dashboard's first meaningful paint with `records` request records stored: the page is
 * opened in headless Chromium, ops signs in once, then the page is loaded `loads` more times
 * (the credential stays in the tab's session storage, so each load goes straight to the data);
 * each load's time from navigation start to the `dashboard:first-data` mark, which the page sets
 * in the frame after health and activity are drawn.
 */
export async function dashboardBench(stack: RunningStack, options: DashboardBenchOptions): Promise<Record<string, unknown>> {
  if (!stack.postgresUrl || !stack.auditUrl || !stack.auditOpsToken) throw new Error('the dashboard bench needs the audit log, its ops token and the stack Postgres URL in .run/');
  const client = new Client({ connectionString: withDatabase(stack.postgresUrl, AUDIT_DATABASE) });
  await client.connect();
  const browser = await HeadlessChromium.launch();
  // Set before the first row goes in: whatever a failed preload stored is removed too.
  const tenantIds = options.records > 0 ? benchTenantIds(options.tenants) : [];
  try {
    const preload = options.records > 0 ? await preloadRecords(client, tenantIds, options) : undefined;
    const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM audit_requests WHERE received_at > now() - interval '24 hours'`);
    const page = await browser.newPage();
    const firstData = async (): Promise<number> => {
      await page.waitForFunction((mark) => performance.getEntriesByName(mark).length > 0, FIRST_DATA_MARK, { timeout: 60_000 });
      return page.evaluate((mark) => performance.getEntriesByName(mark)[0].startTime, FIRST_DATA_MARK);
    };
    await page.goto(`${stack.auditUrl}/dashboard`);
    await page.getByTestId('token-input').fill(stack.auditOpsToken);
    const signedIn = performance.now();
    await page.getByTestId('signin-submit').click();
    await firstData();
    const signInToFirstDataMs = round(performance.now() - signedIn);
    const loads: number[] = [];
    const samples = new Samples();
    for (let i = 0; i < options.loads; i++) {
      await page.reload();
      loads.push(round(await firstData()));
      samples.add(loads[i]);
    }
    options.progress(`dashboard: first data after ${loads.join(', ')} ms`);
    if (browser.problems.length > 0) throw new Error(`the dashboard reported problems: ${browser.problems.join('; ')}`);
    return {
      recordsLast24h: Number(rows[0].n),
      ...(preload ? { preload: { records: options.records, tenants: options.tenants, seconds: preload.seconds } } : {}),
      signInToFirstDataMs,
      firstDataAfterLoadMs: { ...samples.summary(), each: loads },
    };
  } finally {
    await browser.close();
    if (tenantIds.length > 0) {
      await removeRecords(client, tenantIds);
      options.progress(`dashboard: the bench's ${options.records} records removed`);
    }
    await client.end();
  }
}
