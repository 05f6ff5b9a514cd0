/**
 * How a request counts toward a tenant's health. Entra quarantines an app whose calls mostly fail
 * or whose credentials are rejected; a 429 from the tenant's own rate limit (or its limit on
 * writes in flight) is the gateway pacing Entra, which Entra retries: it is counted on its own,
 * never in the error rate.
 */
export type RequestOutcome = 'success' | 'client' | 'server' | 'throttled' | 'unauthorized';

export function outcomeOf(status: number): RequestOutcome {
  if (status < 400) return 'success';
  if (status === 401) return 'unauthorized';
  if (status === 429) return 'throttled';
  // 499: the client gave up waiting (Entra timing out) — the service was too slow, not the request wrong.
  if (status >= 500 || status === 499) return 'server';
  return 'client';
}

/**
 * Upper bounds (ms) of the latency buckets a rollup counts; the last bucket is everything above.
 * Percentiles from rollups are interpolated within a bucket (exact enough to see a slow tenant).
 */
export const LATENCY_BOUNDS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000] as const;

export function latencyBucketOf(latencyMs: number): number {
  const i = LATENCY_BOUNDS_MS.findIndex((bound) => latencyMs <= bound);
  return i === -1 ? LATENCY_BOUNDS_MS.length : i;
}

/** The q-quantile (0..1) of a latency histogram by LATENCY_BOUNDS_MS, interpolated linearly within its bucket. */
export function quantileOf(counts: readonly number[], q: number): number | null {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    const n = counts[i] ?? 0;
    if (n > 0 && seen + n >= rank) {
      const lower = i === 0 ? 0 : LATENCY_BOUNDS_MS[i - 1];
      const upper = LATENCY_BOUNDS_MS[i] ?? LATENCY_BOUNDS_MS[LATENCY_BOUNDS_MS.length - 1] * 2;
      return lower + ((upper - lower) * Math.max(0, rank - seen)) / n;
    }
    seen += n;
  }
  return LATENCY_BOUNDS_MS[LATENCY_BOUNDS_MS.length - 1];
}

/** One tenant's requests of one minute, counted by outcome (domain/request-outcome.ts). */
export interface MinuteRollup {
  tenantId: string;
  /** The minute's start, ISO. */
  minute: string;
  requests: number;
  successes: number;
  clientErrors: number;
  serverErrors: number;
  throttled: number;
  unauthorized: number;
  latencySumMs: number;
  /** Counts per latency bucket, LATENCY_BOUNDS_MS.length + 1 of them. */
  latencyBuckets: number[];
  /** Failures by scimType, or `status:NNN` for a failure without one. */
  failures: Record<string, number>;
}

/** Rollups added up over a span: one summary bucket, or a tenant's health window. */
export type RollupTotals = Omit<MinuteRollup, 'minute' | 'tenantId'> & { from: string };

/** Counts stored requests of tenants into minute rollups. */
export function rollupsOf(rows: ReadonlyArray<{ tenantId: string; receivedAt: string; status: number; latencyMs: number; scimType: string | null }>): MinuteRollup[] {
  const byKey = new Map<string, MinuteRollup>();
  for (const r of rows) {
    const minute = new Date(Math.floor(Date.parse(r.receivedAt) / 60_000) * 60_000).toISOString();
    const key = `${r.tenantId}\u0000${minute}`;
    let m = byKey.get(key);
    if (!m) {
      m = {
        tenantId: r.tenantId,
        minute,
        requests: 0,
        successes: 0,
        clientErrors: 0,
        serverErrors: 0,
        throttled: 0,
        unauthorized: 0,
        latencySumMs: 0,
        latencyBuckets: new Array<number>(LATENCY_BOUNDS_MS.length + 1).fill(0),
        failures: {},
      };
      byKey.set(key, m);
    }
    m.requests += 1;
    m[OUTCOME_FIELD[outcomeOf(r.status)]] += 1;
    m.latencySumMs += r.latencyMs;
    m.latencyBuckets[latencyBucketOf(r.latencyMs)] += 1;
    if (r.status >= 400) {
      const kind = r.scimType ?? `status:${r.status}`;
      m.failures[kind] = (m.failures[kind] ?? 0) + 1;
    }
  }
  return [...byKey.values()];
}

const OUTCOME_FIELD = {
  success: 'successes',
  client: 'clientErrors',
  server: 'serverErrors',
  throttled: 'throttled',
  unauthorized: 'unauthorized',
} as const satisfies Record<RequestOutcome, keyof MinuteRollup>;
