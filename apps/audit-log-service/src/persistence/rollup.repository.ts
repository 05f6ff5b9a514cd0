import { LATENCY_BOUNDS_MS, type MinuteRollup, type RollupTotals } from '../domain/request-outcome';
import { exactTime, type Queryable } from './sql';

interface TotalsRow {
  tenant_id: string;
  bucket_start: string;
  requests: string;
  successes: string;
  client_errors: string;
  server_errors: string;
  throttled: string;
  unauthorized: string;
  latency_sum_ms: number;
  histograms: number[][];
  failures: Array<Record<string, number>>;
}

/** Most rollup rows one summary may add up (a day by the minute for 1,000 tenants is 1.44 M). */
const MAX_ROWS_SCANNED = 2_000_000;

/**
 * audit_request_rollups: per tenant and minute, counted when the requests are stored (only rows
 * new to the log count, in the same transaction), so summaries and health never scan requests.
 */
export class RollupRepository {
  constructor(private readonly db: Queryable) {}

  /** Adds the counts to the rows of their minutes (in key order, so concurrent batches do not deadlock). */
  async add(rollups: readonly MinuteRollup[]): Promise<void> {
    if (rollups.length === 0) return;
    const rows = [...rollups].sort((a, b) => (a.tenantId < b.tenantId ? -1 : a.tenantId > b.tenantId ? 1 : a.minute < b.minute ? -1 : a.minute > b.minute ? 1 : 0));
    await this.db.query(
      `INSERT INTO audit_request_rollups AS r (tenant_id, minute, requests, successes, client_errors, server_errors, throttled, unauthorized,
         latency_sum_ms, latency_buckets, failures)
       SELECT x."tenantId", x.minute, x.requests, x.successes, x."clientErrors", x."serverErrors", x.throttled, x.unauthorized,
         x."latencySumMs", ARRAY(SELECT jsonb_array_elements_text(x."latencyBuckets")::integer), x.failures
       FROM jsonb_to_recordset($1::jsonb) AS x("tenantId" varchar, minute timestamptz, requests integer, successes integer, "clientErrors" integer,
         "serverErrors" integer, throttled integer, unauthorized integer, "latencySumMs" double precision, "latencyBuckets" jsonb, failures jsonb)
       ON CONFLICT (tenant_id, minute) DO UPDATE SET
         requests = r.requests + EXCLUDED.requests,
         successes = r.successes + EXCLUDED.successes,
         client_errors = r.client_errors + EXCLUDED.client_errors,
         server_errors = r.server_errors + EXCLUDED.server_errors,
         throttled = r.throttled + EXCLUDED.throttled,
         unauthorized = r.unauthorized + EXCLUDED.unauthorized,
         latency_sum_ms = r.latency_sum_ms + EXCLUDED.latency_sum_ms,
         latency_buckets = ARRAY(SELECT coalesce(a, 0) + coalesce(b, 0) FROM unnest(r.latency_buckets, EXCLUDED.latency_buckets) AS u(a, b)),
         failures = (SELECT coalesce(jsonb_object_agg(k, n), '{}'::jsonb) FROM (
           SELECT k, sum(v::integer) AS n FROM (SELECT * FROM jsonb_each_text(r.failures) UNION ALL SELECT * FROM jsonb_each_text(EXCLUDED.failures)) e(k, v)
           GROUP BY k) f)`,
      [JSON.stringify(rows)],
    );
  }

  /** Per tenant and bucket (a Postgres interval), the rollups of the minutes in [from, to). */
  async totals(tenantIds: string[] | undefined, from: Date, to: Date, interval: string): Promise<Array<RollupTotals & { tenantId: string }>> {
    const params: unknown[] = [from.toISOString(), to.toISOString(), interval, MAX_ROWS_SCANNED];
    if (tenantIds) params.push(tenantIds);
    const bucket = `date_bin($3::interval, minute, TIMESTAMPTZ '2000-01-01T00:00:00Z')`;
    const rows: TotalsRow[] = await this.db.query(
      `SELECT tenant_id, ${exactTime(bucket)} AS bucket_start, sum(requests) AS requests, sum(successes) AS successes,
         sum(client_errors) AS client_errors, sum(server_errors) AS server_errors, sum(throttled) AS throttled, sum(unauthorized) AS unauthorized,
         sum(latency_sum_ms) AS latency_sum_ms, jsonb_agg(to_jsonb(latency_buckets)) AS histograms, jsonb_agg(failures) AS failures
       FROM (SELECT * FROM audit_request_rollups WHERE minute >= date_trunc('minute', $1::timestamptz) AND minute < $2 ${tenantIds ? 'AND tenant_id = ANY($5)' : ''}
             LIMIT $4) m
       GROUP BY 1, 2 ORDER BY 2, 1`,
      params,
    );
    return rows.map(totalsOf);
  }

  /** Deletes the minutes before the cut-off; returns how many rows went. */
  async deleteBefore(cutoff: Date): Promise<number> {
    const [, count]: [unknown, number] = await this.db.query('DELETE FROM audit_request_rollups WHERE minute < $1', [cutoff.toISOString()]);
    return count ?? 0;
  }
}

function totalsOf(r: TotalsRow): RollupTotals & { tenantId: string } {
  const latencyBuckets = new Array<number>(LATENCY_BOUNDS_MS.length + 1).fill(0);
  for (const h of r.histograms) h.forEach((n, i) => (latencyBuckets[i] = (latencyBuckets[i] ?? 0) + Number(n)));
  const failures: Record<string, number> = {};
  for (const f of r.failures) for (const [k, n] of Object.entries(f)) failures[k] = (failures[k] ?? 0) + Number(n);
  return {
    tenantId: r.tenant_id,
    from: r.bucket_start,
    requests: Number(r.requests),
    successes: Number(r.successes),
    clientErrors: Number(r.client_errors),
    serverErrors: Number(r.server_errors),
    throttled: Number(r.throttled),
    unauthorized: Number(r.unauthorized),
    latencySumMs: Number(r.latency_sum_ms),
    latencyBuckets,
    failures,
  };
}
