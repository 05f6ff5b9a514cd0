import type { AuditedChange, AuditedRequest, AuditedResource, AuditedResourceType, AuditedTenant, AuditPage, AuditPrincipal, ResourceHistory, SummaryPage, TenantActivity } from '@app/contracts';
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

/** Reads of the audit log, always within the tenants the caller may see. */
export class AuditQueryService {
  constructor(
    private readonly repos: AuditRepositories,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async requests(principal: AuditPrincipal, tenantId: string | undefined, filters: Omit<RequestFilters, 'tenantIds'>, limit: number, cursor?: Cursor): Promise<AuditPage<AuditedRequest>> {
    const rows = await this.repos.requests.find({ ...filters, tenantIds: visibleTenants(principal, tenantId) }, limit, cursor);
    return pageOf(rows, limit, (r) => ({ time: r.receivedAt, id: r.recordId }));
  }

  async changes(principal: AuditPrincipal, tenantId: string | undefined, filters: Omit<ChangeFilters, 'tenantIds'>, limit: number, cursor?: Cursor): Promise<AuditPage<AuditedChange>> {
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

  resources(principal: AuditPrincipal, tenantId: string | undefined, resourceType: AuditedResourceType | undefined, prefix: string | undefined, limit: number): Promise<AuditedResource[]> {
    return this.repos.changes.resources(visibleTenants(principal, tenantId), resourceType, prefix, limit);
  }

  /** Per tenant and bucket; by default the last 24 h; at most MAX_BUCKETS buckets. */
  async summaries(principal: AuditPrincipal, tenantId: string | undefined, bucket: string, from?: Date, to?: Date): Promise<SummaryPage> {
    const tenantIds = visibleTenants(principal, tenantId);
    const end = to ?? this.now();
    const start = from ?? new Date(end.getTime() - DAY_MS);
    if (start >= end) throw invalidParameter('from must be before to');
    if ((end.getTime() - start.getTime()) / BUCKET_MS[bucket]! > MAX_BUCKETS) {
      throw invalidParameter(`at most ${MAX_BUCKETS} buckets: widen the bucket (${Object.keys(BUCKETS).join(', ')}) or narrow from/to`);
    }
    const totals = await this.repos.requests.bucketTotals(tenantIds, start, end, BUCKETS[bucket]!);
    const items: TenantActivity[] = totals.map((t) => ({
      tenantId: t.tenantId,
      bucketStart: t.bucketStart,
      requests: t.requests,
      successes: t.successes,
      failures: t.requests - t.successes,
      failuresByScimType: t.failuresByKind,
      p50LatencyMs: round(t.p50),
      p99LatencyMs: round(t.p99),
    }));
    return { bucket, from: start.toISOString(), to: end.toISOString(), items };
  }

  tenants(principal: AuditPrincipal): Promise<AuditedTenant[]> {
    return this.repos.tenants.list(visibleTenants(principal, undefined), new Date(this.now().getTime() - DAY_MS));
  }
}

function round(value: number | null): number {
  return value === null ? 0 : Math.round(Number(value) * 1000) / 1000;
}
