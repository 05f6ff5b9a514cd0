import type { AuditedTenant } from '@app/contracts';
import type { Queryable } from './sql';

/** Most tenants one list answers. */
const MAX_TENANTS = 1000;

/** audit_tenants: the tenants the log has seen, with when. */
export class TenantRepository {
  constructor(private readonly db: Queryable) {}

  /** Widens each tenant's first/last seen to include these instants. */
  async noteSeen(seen: ReadonlyArray<{ tenantId: string; at: Date }>): Promise<void> {
    const byTenant = new Map<string, { first: number; last: number }>();
    for (const { tenantId, at } of seen) {
      const t = at.getTime();
      const s = byTenant.get(tenantId);
      byTenant.set(tenantId, s ? { first: Math.min(s.first, t), last: Math.max(s.last, t) } : { first: t, last: t });
    }
    if (byTenant.size === 0) return;
    // Sorted, so two transactions upserting the same tenants lock them in the same order.
    const rows = [...byTenant].sort(([a], [b]) => (a < b ? -1 : 1)).map(([tenant_id, s]) => ({ tenant_id, first: new Date(s.first).toISOString(), last: new Date(s.last).toISOString() }));
    await this.db.query(
      `INSERT INTO audit_tenants (tenant_id, first_seen_at, last_seen_at)
       SELECT t.tenant_id, t.first, t.last FROM jsonb_to_recordset($1::jsonb) AS t(tenant_id varchar, first timestamptz, last timestamptz)
       ON CONFLICT (tenant_id) DO UPDATE SET
         first_seen_at = LEAST(audit_tenants.first_seen_at, EXCLUDED.first_seen_at),
         last_seen_at = GREATEST(audit_tenants.last_seen_at, EXCLUDED.last_seen_at)
       WHERE audit_tenants.last_seen_at < EXCLUDED.last_seen_at OR audit_tenants.first_seen_at > EXCLUDED.first_seen_at`,
      [JSON.stringify(rows)],
    );
  }

  /** Tenants last seen first, with their requests and failures since `since`. */
  async list(tenantIds: string[] | undefined, since: Date): Promise<AuditedTenant[]> {
    const rows: Array<{ tenant_id: string; last_seen_at: Date; requests: string; failures: string }> = await this.db.query(
      `SELECT t.tenant_id, t.last_seen_at,
         (SELECT count(*) FROM audit_requests r WHERE r.tenant_id = t.tenant_id AND r.received_at >= $1) AS requests,
         (SELECT count(*) FROM audit_requests r WHERE r.tenant_id = t.tenant_id AND r.received_at >= $1 AND r.status >= 400) AS failures
       FROM audit_tenants t ${tenantIds ? 'WHERE t.tenant_id = ANY($3)' : ''}
       ORDER BY t.last_seen_at DESC LIMIT $2`,
      [since.toISOString(), MAX_TENANTS, ...(tenantIds ? [tenantIds] : [])],
    );
    return rows.map((r) => ({ tenantId: r.tenant_id, lastSeenAt: new Date(r.last_seen_at).toISOString(), requests24h: Number(r.requests), failures24h: Number(r.failures) }));
  }
}
