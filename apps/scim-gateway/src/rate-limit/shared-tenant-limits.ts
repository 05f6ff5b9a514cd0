import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { TokenBucketLimiter, type Admission, type BucketLimit } from './token-bucket';

interface Lease {
  /** Tokens leased and not yet spent here. */
  tokens: number;
  /** When they lapse. */
  until: number;
  /** Until when the shared bucket is known to hold less than one token. */
  refusedUntil: number;
  /** Requests waiting for the lease on its way. */
  waiting: number;
  pending?: Promise<void>;
}

/** How long tokens leased from the shared bucket stay usable here; then they lapse. */
const LEASE_TTL_MS = 1000;

export interface SharedLimitsLog {
  warn(message: string, fields?: Record<string, unknown>): void;
}

/**
 * A tenant's request rate, held once for every gateway instance on the gateway's database
 * (docs/deploy.md, "Several gateway instances"): one token bucket row per tenant, refilled at
 * the tenant's rate up to its burst, from which each instance leases a tenth of a second's worth
 * of tokens at a time (one statement per lease; more when more requests are waiting for it) and
 * spends them locally for at most a second. Whichever instance a tenant's connections land on, the tenant gets its rate
 * once, not once per instance. A lease that comes back empty also tells how long until the next
 * token, so an exhausted tenant is refused here without asking the database again meanwhile.
 *
 * When the database cannot be asked, each instance falls back to a bucket of its own (the old
 * per-instance behaviour) and says so in the log: the limit loosens, requests are not refused.
 */
export class SharedTokenBuckets {
  private readonly leases = new Map<string, Lease>();
  private readonly fallback = new TokenBucketLimiter();
  private lastWarning = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly log: SharedLimitsLog,
    private readonly now: () => number = Date.now,
  ) {}

  async take(tenantId: string, limit: BucketLimit): Promise<Admission> {
    let lease = this.leases.get(tenantId);
    if (!lease) {
      lease = { tokens: 0, until: 0, refusedUntil: 0, waiting: 0 };
      this.leases.set(tenantId, lease);
    }
    // Concurrent requests share one lease, sized for all of them; the ones a lease did not cover
    // (they joined while it was on its way) ask again, together.
    for (let round = 0; round < 3; round++) {
      const now = this.now();
      if (lease.tokens >= 1 && now < lease.until) {
        lease.tokens -= 1;
        return { allowed: true };
      }
      if (now < lease.refusedUntil) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((lease.refusedUntil - now) / 1000)) };
      const current = lease;
      current.waiting += 1;
      current.pending ??= this.lease(tenantId, current, limit).finally(() => (current.pending = undefined));
      try {
        await current.pending;
      } catch (error) {
        this.warn(error);
        return this.fallback.take(tenantId, limit);
      } finally {
        current.waiting -= 1;
      }
    }
    return { allowed: false, retryAfterSeconds: 1 };
  }

  private async lease(tenantId: string, lease: Lease, limit: BucketLimit): Promise<void> {
    // Let the requests arriving in this turn of the event loop join before sizing the lease.
    await new Promise((resolve) => setImmediate(resolve));
    const wanted = Math.max(1, Math.min(limit.burst, Math.max(lease.waiting, Math.ceil(limit.requestsPerSecond / 10))));
    const rows: Array<{ granted: number; tokens: number }> = await this.dataSource.query(LEASE_SQL, [tenantId, limit.requestsPerSecond, limit.burst, wanted]);
    const row = rows[0];
    if (!row) return; // the tenant was deleted meanwhile
    const now = this.now();
    const granted = Number(row.granted);
    lease.tokens = granted;
    lease.until = now + LEASE_TTL_MS;
    // Nothing granted: the shared bucket holds under one token, and refills at the tenant's rate.
    lease.refusedUntil = granted >= 1 ? 0 : now + Math.max(0, (1 - Number(row.tokens)) / limit.requestsPerSecond) * 1000;
  }

  private warn(error: unknown): void {
    if (this.now() - this.lastWarning < 60_000) return;
    this.lastWarning = this.now();
    this.log.warn('shared rate limits unavailable; limiting per instance until the database answers', { error: (error as Error).message });
  }
}

/**
 * Refills the tenant's bucket for the time since its last lease and takes up to $4 whole tokens
 * from it, in one statement: the row lock of ON CONFLICT serialises concurrent leases, and every
 * expression reads the row as it is when the lock is held. Returns what was granted and what is left.
 */
const AVAILABLE = `LEAST($3::float8, b.tokens + GREATEST(0, EXTRACT(EPOCH FROM statement_timestamp() - b.refilled_at)::float8) * $2::float8)`;
const LEASE_SQL = `
  INSERT INTO tenant_rate_buckets AS b (tenant_id, tokens, granted, refilled_at)
  SELECT $1::uuid, $3::float8 - LEAST($4::float8, floor($3::float8)), LEAST($4::float8, floor($3::float8)), statement_timestamp()
   WHERE EXISTS (SELECT 1 FROM tenants WHERE id = $1::uuid)
  ON CONFLICT (tenant_id) DO UPDATE SET
    granted = LEAST($4::float8, floor(${AVAILABLE})),
    tokens = ${AVAILABLE} - LEAST($4::float8, floor(${AVAILABLE})),
    refilled_at = GREATEST(b.refilled_at, statement_timestamp())
  RETURNING granted, tokens`;

/**
 * The gateway instances alive on this database: each says so every `heartbeatMs` and counts the
 * others seen within three heartbeats. A tenant's writes-in-flight cap is divided by the count,
 * so with balanced connections the cap holds once across instances (docs/deploy.md).
 */
export class GatewayInstances {
  readonly instanceId = randomUUID();
  private live = 1;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly dataSource: DataSource,
    private readonly log: SharedLimitsLog,
    private readonly heartbeatMs = 2000,
  ) {}

  get count(): number {
    return this.live;
  }

  async start(): Promise<void> {
    await this.beat().catch((error: unknown) => this.log.warn('gateway instance heartbeat failed', { error: (error as Error).message }));
    this.timer = setInterval(() => {
      this.beat().catch((error: unknown) => this.log.warn('gateway instance heartbeat failed', { error: (error as Error).message }));
    }, this.heartbeatMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.dataSource.query('DELETE FROM gateway_instances WHERE instance_id = $1', [this.instanceId]).catch(() => undefined);
  }

  private async beat(): Promise<void> {
    const staleAfter = `${(this.heartbeatMs * 3) / 1000} seconds`;
    const rows: Array<{ live: string }> = await this.dataSource.query(
      `WITH me AS (
         INSERT INTO gateway_instances (instance_id, seen_at) VALUES ($1, now())
         ON CONFLICT (instance_id) DO UPDATE SET seen_at = now()),
       gone AS (DELETE FROM gateway_instances WHERE seen_at < now() - interval '1 hour')
       SELECT count(*) + 1 AS live FROM gateway_instances WHERE instance_id <> $1 AND seen_at > now() - $2::interval`,
      [this.instanceId, staleAfter],
    );
    this.live = Math.max(1, Number(rows[0]?.live ?? 1));
  }
}
