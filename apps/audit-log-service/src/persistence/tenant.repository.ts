import type { AuditedTenant } from '@app/contracts';
import type { TenantFacts } from '../domain/tenant-health';
import { exactTime, type Queryable } from './sql';

/** Most tenants one list answers. */
const MAX_TENANTS = 1000;

/** A tenant seen in a request or an event; a request also tells whether it succeeded or was refused as 401. */
export interface TenantSighting {
  tenantId: string;
  at: Date;
  success?: boolean;
  unauthorized?: boolean;
}

const isoOrNull = (t: number | undefined) => (t === undefined ? null : new Date(t).toISOString());

/** audit_tenants: the tenants the log has seen, their registry name, their last success and last 401. */
export class TenantRepository {
  constructor(private readonly db: Queryable) {}

  /** Widens each tenant's first/last seen to include these instants, and moves its last success / last 401 forward. */
  async noteSeen(seen: readonly TenantSighting[]): Promise<void> {
    const byTenant = new Map<string, { first: number; last: number; success?: number; unauthorized?: number }>();
    for (const { tenantId, at, success, unauthorized } of seen) {
      const t = at.getTime();
      const s = byTenant.get(tenantId) ?? { first: t, last: t };
      s.first = Math.min(s.first, t);
      s.last = Math.max(s.last, t);
      if (success) s.success = Math.max(s.success ?? t, t);
      if (unauthorized) s.unauthorized = Math.max(s.unauthorized ?? t, t);
      byTenant.set(tenantId, s);
    }
    if (byTenant.size === 0) return;
    // Sorted, so two transactions upserting the same tenants lock them in the same order.
    const rows = [...byTenant]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([tenant_id, s]) => ({
        tenant_id,
        first: new Date(s.first).toISOString(),
        last: new Date(s.last).toISOString(),
        success: isoOrNull(s.success),
        unauthorized: isoOrNull(s.unauthorized),
      }));
    await this.db.query(
      `INSERT INTO audit_tenants (tenant_id, first_seen_at, last_seen_at, last_success_at, last_unauthorized_at)
       SELECT t.tenant_id, t.first, t.last, t.success, t.unauthorized
       FROM jsonb_to_recordset($1::jsonb) AS t(tenant_id varchar, first timestamptz, last timestamptz, success timestamptz, unauthorized timestamptz)
       ON CONFLICT (tenant_id) DO UPDATE SET
         first_seen_at = LEAST(audit_tenants.first_seen_at, EXCLUDED.first_seen_at),
         last_seen_at = GREATEST(audit_tenants.last_seen_at, EXCLUDED.last_seen_at),
         last_success_at = GREATEST(audit_tenants.last_success_at, EXCLUDED.last_success_at),
         last_unauthorized_at = GREATEST(audit_tenants.last_unauthorized_at, EXCLUDED.last_unauthorized_at)
       WHERE audit_tenants.last_seen_at < EXCLUDED.last_seen_at OR audit_tenants.first_seen_at > EXCLUDED.first_seen_at
          OR EXCLUDED.last_success_at > coalesce(audit_tenants.last_success_at, '-infinity')
          OR EXCLUDED.last_unauthorized_at > coalesce(audit_tenants.last_unauthorized_at, '-infinity')`,
      [JSON.stringify(rows)],
    );
  }

  /** The registry's name of a tenant (from the gateway's tenant events). */
  async rename(tenantId: string, name: string, at: Date): Promise<void> {
    await this.db.query(
      `INSERT INTO audit_tenants (tenant_id, first_seen_at, last_seen_at, name) VALUES ($1, $2, $2, $3)
       ON CONFLICT (tenant_id) DO UPDATE SET name = EXCLUDED.name WHERE audit_tenants.name IS DISTINCT FROM EXCLUDED.name`,
      [tenantId, at.toISOString(), name],
    );
  }

  /** What health needs of each tenant, last seen first. */
  async facts(tenantIds: string[] | undefined): Promise<TenantFacts[]> {
    const rows: Array<{ tenant_id: string; name: string | null; last_seen: string | null; last_success: string | null; last_unauthorized: string | null }> = await this.db.query(
      `SELECT tenant_id, name, ${exactTime('last_seen_at')} AS last_seen, ${exactTime('last_success_at')} AS last_success, ${exactTime('last_unauthorized_at')} AS last_unauthorized
       FROM audit_tenants ${tenantIds ? 'WHERE tenant_id = ANY($2)' : ''} ORDER BY last_seen_at DESC LIMIT $1`,
      [MAX_TENANTS, ...(tenantIds ? [tenantIds] : [])],
    );
    return rows.map((r) => ({ tenantId: r.tenant_id, name: r.name, lastSeenAt: r.last_seen, lastSuccessAt: r.last_success, lastUnauthorizedAt: r.last_unauthorized }));
  }

  /** Tenants last seen first, with their requests and failures since `since` (from the rollups). */
  async list(tenantIds: string[] | undefined, since: Date): Promise<AuditedTenant[]> {
    const rows: Array<{ tenant_id: string; name: string | null; last_seen_at: Date; requests: string | null; failures: string | null }> = await this.db.query(
      `SELECT t.tenant_id, t.name, t.last_seen_at, r.requests, r.failures
       FROM audit_tenants t
       LEFT JOIN LATERAL (SELECT sum(requests) AS requests, sum(requests - successes) AS failures
                          FROM audit_request_rollups WHERE tenant_id = t.tenant_id AND minute >= date_trunc('minute', $1::timestamptz)) r ON true
       ${tenantIds ? 'WHERE t.tenant_id = ANY($3)' : ''}
       ORDER BY t.last_seen_at DESC LIMIT $2`,
      [since.toISOString(), MAX_TENANTS, ...(tenantIds ? [tenantIds] : [])],
    );
    return rows.map((r) => ({
      tenantId: r.tenant_id,
      name: r.name,
      lastSeenAt: new Date(r.last_seen_at).toISOString(),
      requests24h: Number(r.requests ?? 0),
      failures24h: Number(r.failures ?? 0),
    }));
  }
}
