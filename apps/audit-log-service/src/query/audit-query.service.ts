import type {
  AuditedChange,
  AuditedRequest,
  AuditedResource,
  AuditedResourceType,
  AuditedTenant,
  AuditPage,
  AuditPrincipal,
  ResourceHistory,
  SummaryPage,
  TenantActivity,
  TenantHealth,
} from '@app/contracts';
import { quantileOf, type RollupTotals } from '../domain/request-outcome';
import { assessHealth } from '../domain/tenant-health';
import { invalidParameter } from '../domain/audit-error';
import type { AuditRepositories } from '../persistence/audit-store';
import { sequenceOf, type ChangeFilters } from '../persistence/change.repository';
import type { RequestFilters } from '../persistence/request.repository';
import { visibleTenants } from '../auth/audit-credential.service';
import { pageOf, type Cursor } from './cursor';
import { BUCKETS } from './query-parameters';

/** Most buckets one summary answers (a day by the minute is 1,440). */
export const MAX_BUCKETS = 2_000;
const BUCKET_MS: Record<string, number> = { '1m': 60_000, '5m': 300_000, '15m': 900_000, '1h': 3_600_000, '1d': 86_400_000 };
const DAY_MS = 86_400_000;
/** Entra runs an incremental cycle about every 40 minutes: an hour sees at least one. */
export const DEFAULT_HEALTH_WINDOW_MS = 3_600_000;

/** Reads of the audit log, always within the tenants the caller may see. */
export class AuditQueryService {
  constructor(
    private readonly repos: AuditRepositories,
    private readonly healthWindowMs = DEFAULT_HEALTH_WINDOW_MS,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async requests(
    principal: AuditPrincipal,
    tenantId: string | undefined,
    filters: Omit<RequestFilters, 'tenantIds'>,
    limit: number,
    cursor?: Cursor,
  ): Promise<AuditPage<AuditedRequest>> {
    const rows = await this.repos.requests.find({ ...filters, tenantIds: visibleTenants(principal, tenantId) }, limit, cursor);
    return pageOf(rows, limit, (r) => ({ time: r.receivedAt, id: r.recordId }));
  }

  async changes(
    principal: AuditPrincipal,
    tenantId: string | undefined,
    filters: Omit<ChangeFilters, 'tenantIds'>,
    limit: number,
    cursor?: Cursor,
  ): Promise<AuditPage<AuditedChange>> {
    const rows = await this.repos.changes.find({ ...filters, tenantIds: visibleTenants(principal, tenantId) }, limit, cursor);
    return pageOf(rows, limit, (c) => ({ time: c.occurredAt, id: sequenceOf(c) }));
  }

  async history(principal: AuditPrincipal, tenantId: string, resourceType: AuditedResourceType, resourceId: string, limit: number, cursor?: Cursor): Promise<ResourceHistory> {
    visibleTenants(principal, tenantId);
    const rows = await this.repos.changes.history(tenantId, resourceType, resourceId, limit, cursor);
    const changes = pageOf(rows, limit, (c) => ({ time: c.occurredAt, id: sequenceOf(c) }));
    const current = await this.repos.changes.resource(tenantId, resourceType, resourceId);
    return { tenantId, resourceType, resourceId, current, changes: changes.items, nextCursor: changes.nextCursor };
  }

  resources(
    principal: AuditPrincipal,
    tenantId: string | undefined,
    resourceType: AuditedResourceType | undefined,
    prefix: string | undefined,
    limit: number,
  ): Promise<AuditedResource[]> {
    return this.repos.changes.resources(visibleTenants(principal, tenantId), resourceType, prefix, limit);
  }

  /** Per tenant and bucket; by default the last 24 h; at most MAX_BUCKETS buckets. */
  async summaries(principal: AuditPrincipal, tenantId: string | undefined, bucket: string, from?: Date, to?: Date): Promise<SummaryPage> {
    const tenantIds = visibleTenants(principal, tenantId);
    const end = to ?? this.now();
    const start = from ?? new Date(end.getTime() - DAY_MS);
    if (start >= end) throw invalidParameter('from must be before to');
    if ((end.getTime() - start.getTime()) / BUCKET_MS[bucket] > MAX_BUCKETS) {
      throw invalidParameter(`at most ${MAX_BUCKETS} buckets: widen the bucket (${Object.keys(BUCKETS).join(', ')}) or narrow from/to`);
    }
    const totals = await this.repos.rollups.totals(tenantIds, start, end, BUCKETS[bucket]);
    const items: TenantActivity[] = totals.map((t) => ({
      tenantId: t.tenantId,
      bucketStart: t.from,
      requests: t.requests,
      successes: t.successes,
      failures: t.requests - t.successes,
      failuresByScimType: t.failures,
      p50LatencyMs: round(quantileOf(t.latencyBuckets, 0.5)),
      p99LatencyMs: round(quantileOf(t.latencyBuckets, 0.99)),
    }));
    return { bucket, from: start.toISOString(), to: end.toISOString(), items };
  }

  /** Each visible tenant's health over the window ending now, worst first. */
  async health(principal: AuditPrincipal, tenantId: string | undefined): Promise<TenantHealth[]> {
    return this.healthOf(visibleTenants(principal, tenantId));
  }

  /** Health of these tenants (undefined: every tenant), worst first; also what the health metrics sample. */
  async healthOf(tenantIds: string[] | undefined): Promise<TenantHealth[]> {
    const to = this.now();
    const from = new Date(to.getTime() - this.healthWindowMs);
    const [facts, totals] = await Promise.all([this.repos.tenants.facts(tenantIds), this.repos.rollups.totals(tenantIds, from, to, `${this.healthWindowMs} milliseconds`)]);
    const byTenant = new Map<string, RollupTotals>();
    for (const t of totals) {
      const sum = byTenant.get(t.tenantId);
      byTenant.set(t.tenantId, sum ? addTotals(sum, t) : t);
    }
    const rank = { 'quarantine-risk': 0, warning: 1, healthy: 2, idle: 3 } as const;
    return facts.map((f) => assessHealth(f, byTenant.get(f.tenantId), from, to)).sort((a, b) => rank[a.state] - rank[b.state] || b.errorRate - a.errorRate);
  }

  tenants(principal: AuditPrincipal): Promise<AuditedTenant[]> {
    return this.repos.tenants.list(visibleTenants(principal, undefined), new Date(this.now().getTime() - DAY_MS));
  }
}

/** Two spans' rollups as one (a window that crosses a bucket boundary has two). */
function addTotals(a: RollupTotals, b: RollupTotals): RollupTotals {
  const failures = { ...a.failures };
  for (const [k, n] of Object.entries(b.failures)) failures[k] = (failures[k] ?? 0) + n;
  return {
    from: a.from < b.from ? a.from : b.from,
    requests: a.requests + b.requests,
    successes: a.successes + b.successes,
    clientErrors: a.clientErrors + b.clientErrors,
    serverErrors: a.serverErrors + b.serverErrors,
    throttled: a.throttled + b.throttled,
    unauthorized: a.unauthorized + b.unauthorized,
    latencySumMs: a.latencySumMs + b.latencySumMs,
    latencyBuckets: a.latencyBuckets.map((n, i) => n + (b.latencyBuckets[i] ?? 0)),
    failures,
  };
}

function round(value: number | null): number {
  return value === null ? 0 : Math.round(Number(value) * 1000) / 1000;
}
