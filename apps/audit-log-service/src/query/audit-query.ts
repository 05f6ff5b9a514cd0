import type { DataSource } from 'typeorm';
import type {
  AuditedChange,
  AuditedRequest,
  AuditedResource,
  AuditedResourceType,
  AuditedTenant,
  AuditPage,
  RequestOperation,
  ResourceHistory,
  SummaryPage,
  TenantActivity,
} from '@app/contracts';
import type { ChangeRow, ResourceState } from '../store/audit-ingest';

/** A query's filters after validation (see query-parameters.ts); tenantIds undefined means every tenant. */
export interface RequestFilters {
  tenantIds?: string[];
  from?: Date;
  to?: Date;
  resourceType?: AuditedResourceType;
  resourceId?: string;
  userName?: string;
  externalId?: string;
  method?: string;
  operation?: RequestOperation;
  status?: { exact: number } | { from: number; to: number };
  failed?: boolean;
  scimType?: string;
  correlationId?: string;
  clientRequestId?: string;
  ignored?: boolean;
}

export interface ChangeFilters {
  tenantIds?: string[];
  from?: Date;
  to?: Date;
  resourceType?: AuditedResourceType;
  resourceId?: string;
  memberId?: string;
  userName?: string;
  externalId?: string;
  type?: string;
  correlationId?: string;
}

/** Position after the last item of a page: its time (as Postgres wrote it) and id. */
export interface Cursor {
  time: string;
  id: string;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.time, cursor.id])).toString('base64url');
}

const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * An ISO 8601 instant with a zone (Z or ±hh:mm), years 1970 to 9999, every field in range; what
 * JavaScript and Postgres both read the same way. Undefined otherwise.
 */
export function parseInstant(text: string): Date | undefined {
  const m = ISO_INSTANT.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number) as [number, number, number, number, number, number];
  if (year < 1970 || month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return undefined;
  if (day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return undefined;
  const parsed = Date.parse(text);
  return Number.isNaN(parsed) ? undefined : new Date(parsed);
}

/** Undefined when the text is not a cursor this service made. */
export function decodeCursor(text: string): Cursor | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string' && value[1].length <= 200 && parseInstant(value[0])) {
      return { time: value[0], id: value[1] };
    }
  } catch {
    // not base64 JSON
  }
  return undefined;
}

/** Microsecond-exact UTC text of a timestamptz column, so cursors compare exactly. */
const exactTime = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

const REQUEST_COLUMNS = `record_id, ${exactTime('received_at')} AS received_at_exact, tenant_id, token_id, method, path, query, status, scim_type, latency_ms,
  correlation_id, client_request_id, resource_type, operation, resource_ids, user_name, external_id, request_body, response_body, ignored_attributes`;
const CHANGE_COLUMNS = `event_id, seq, ${exactTime('occurred_at')} AS occurred_at_exact, tenant_id, type, resource_type, resource_id, user_name, external_id,
  display_name, correlation_id, changed_attributes, differences, member_ids`;

/** Parameterised WHERE clause builder. */
class Where {
  readonly clauses: string[] = [];
  readonly params: unknown[] = [];

  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  add(clause: string): void {
    this.clauses.push(clause);
  }

  toString(): string {
    return this.clauses.length ? `WHERE ${this.clauses.join(' AND ')}` : '';
  }
}

export const BUCKETS: Record<string, string> = { '1m': '1 minute', '5m': '5 minutes', '15m': '15 minutes', '1h': '1 hour', '1d': '1 day' };

/** Reads of the audit log, always within the tenants the caller may see. */
export class AuditQuery {
  constructor(private readonly dataSource: DataSource) {}

  async requests(filters: RequestFilters, limit: number, cursor?: Cursor): Promise<AuditPage<AuditedRequest>> {
    const where = new Where();
    if (filters.tenantIds) where.add(`tenant_id = ANY(${where.param(filters.tenantIds)})`);
    if (filters.from) where.add(`received_at >= ${where.param(filters.from.toISOString())}`);
    if (filters.to) where.add(`received_at < ${where.param(filters.to.toISOString())}`);
    if (filters.resourceType) where.add(`resource_type = ${where.param(filters.resourceType)}`);
    if (filters.resourceId) where.add(`resource_ids @> ARRAY[${where.param(filters.resourceId)}]::text[]`);
    if (filters.userName) where.add(`lower(user_name) = lower(${where.param(filters.userName)})`);
    if (filters.externalId) where.add(`external_id = ${where.param(filters.externalId)}`);
    if (filters.method) where.add(`method = ${where.param(filters.method.toUpperCase())}`);
    if (filters.operation) where.add(`operation = ${where.param(filters.operation)}`);
    if (filters.status && 'exact' in filters.status) where.add(`status = ${where.param(filters.status.exact)}`);
    if (filters.status && 'from' in filters.status) where.add(`status >= ${where.param(filters.status.from)} AND status < ${where.param(filters.status.to)}`);
    if (filters.failed === true) where.add('status >= 400');
    if (filters.failed === false) where.add('status < 400');
    if (filters.scimType) where.add(`scim_type = ${where.param(filters.scimType)}`);
    if (filters.correlationId) where.add(`correlation_id = ${where.param(filters.correlationId)}`);
    if (filters.clientRequestId) where.add(`client_request_id = ${where.param(filters.clientRequestId)}`);
    if (filters.ignored === true) where.add(`cardinality(ignored_attributes) > 0`);
    if (cursor) where.add(`(received_at, record_id) < (${where.param(cursor.time)}::timestamptz, ${where.param(cursor.id)})`);
    const rows: RequestRow[] = await this.dataSource.query(
      `SELECT ${REQUEST_COLUMNS} FROM audit_requests ${where} ORDER BY received_at DESC, record_id DESC LIMIT ${where.param(limit + 1)}`,
      where.params,
    );
    return page(rows.map(requestOf), limit, (r) => ({ time: r.receivedAt, id: r.recordId }));
  }

  async changes(filters: ChangeFilters, limit: number, cursor?: Cursor): Promise<AuditPage<AuditedChange>> {
    const where = new Where();
    if (filters.tenantIds) where.add(`tenant_id = ANY(${where.param(filters.tenantIds)})`);
    if (filters.from) where.add(`occurred_at >= ${where.param(filters.from.toISOString())}`);
    if (filters.to) where.add(`occurred_at < ${where.param(filters.to.toISOString())}`);
    if (filters.resourceType) where.add(`resource_type = ${where.param(filters.resourceType)}`);
    if (filters.resourceId) where.add(`resource_id = ${where.param(filters.resourceId)}`);
    if (filters.memberId) where.add(`member_ids @> ARRAY[${where.param(filters.memberId)}]::text[]`);
    if (filters.userName) where.add(`lower(user_name) = lower(${where.param(filters.userName)})`);
    if (filters.externalId) where.add(`external_id = ${where.param(filters.externalId)}`);
    if (filters.type) where.add(`type = ${where.param(filters.type)}`);
    if (filters.correlationId) where.add(`correlation_id = ${where.param(filters.correlationId)}`);
    if (cursor) where.add(`(occurred_at, seq) < (${where.param(cursor.time)}::timestamptz, ${where.param(cursor.id)}::bigint)`);
    const rows: ChangeRowOut[] = await this.dataSource.query(
      `SELECT ${CHANGE_COLUMNS} FROM audit_changes ${where} ORDER BY occurred_at DESC, seq DESC LIMIT ${where.param(limit + 1)}`,
      where.params,
    );
    return page(rows.map(changeOf), limit, (c) => ({ time: c.occurredAt, id: sequenceOf(c) }));
  }

  /** Oldest first: the resource's own changes and, for a user, the membership changes naming it. */
  async history(tenantId: string, resourceType: AuditedResourceType, resourceId: string, limit: number, cursor?: Cursor): Promise<ResourceHistory> {
    const params: unknown[] = [tenantId, resourceType, resourceId, limit + 1];
    const after = cursor ? `AND (occurred_at, seq) > ($5::timestamptz, $6::bigint)` : '';
    if (cursor) params.push(cursor.time, cursor.id);
    const membership = resourceType === 'User' ? `UNION ALL (SELECT ${CHANGE_COLUMNS}, occurred_at AS t FROM audit_changes WHERE tenant_id = $1 AND member_ids @> ARRAY[$3]::text[] ${after} ORDER BY occurred_at, seq LIMIT $4)` : '';
    const rows: ChangeRowOut[] = await this.dataSource.query(
      `SELECT * FROM (
         (SELECT ${CHANGE_COLUMNS}, occurred_at AS t FROM audit_changes WHERE tenant_id = $1 AND resource_type = $2 AND resource_id = $3 ${after} ORDER BY occurred_at, seq LIMIT $4)
         ${membership}
       ) h ORDER BY t, seq LIMIT $4`,
      params,
    );
    const changes = page(rows.map(changeOf), limit, (c) => ({ time: c.occurredAt, id: sequenceOf(c) }));
    const [current] = await this.resourceRows('WHERE tenant_id = $1 AND resource_type = $2 AND resource_id = $3', [tenantId, resourceType, resourceId], 1);
    return { tenantId, resourceType, resourceId, current: current ?? null, changes: changes.items, nextCursor: changes.nextCursor };
  }

  /** Resources whose userName, externalId or displayName starts with `prefix` (case-insensitive), latest change first. */
  async resources(tenantIds: string[] | undefined, resourceType: AuditedResourceType | undefined, prefix: string | undefined, limit: number): Promise<AuditedResource[]> {
    const where = new Where();
    if (tenantIds) where.add(`tenant_id = ANY(${where.param(tenantIds)})`);
    if (resourceType) where.add(`resource_type = ${where.param(resourceType)}`);
    if (prefix) {
      const pattern = where.param(`${prefix.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      where.add(`(lower(user_name) LIKE ${pattern} OR lower(external_id) LIKE ${pattern} OR lower(display_name) LIKE ${pattern} OR resource_id = ${where.param(prefix)})`);
    }
    return this.resourceRows(String(where), where.params, limit);
  }

  async summaries(tenantIds: string[] | undefined, from: Date, to: Date, bucket: string): Promise<SummaryPage> {
    const interval = BUCKETS[bucket]!;
    const where = new Where();
    where.add('tenant_id IS NOT NULL');
    where.add(`received_at >= ${where.param(from.toISOString())}`);
    where.add(`received_at < ${where.param(to.toISOString())}`);
    if (tenantIds) where.add(`tenant_id = ANY(${where.param(tenantIds)})`);
    const bucketExpr = `date_bin(${where.param(interval)}::interval, received_at, TIMESTAMPTZ '2000-01-01T00:00:00Z')`;
    const totals: Array<{ tenant_id: string; bucket_start: string; requests: string; successes: string; p50: number; p99: number }> = await this.dataSource.query(
      `SELECT tenant_id, ${exactTime(bucketExpr)} AS bucket_start, count(*) AS requests, count(*) FILTER (WHERE status < 400) AS successes,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) AS p50, percentile_cont(0.99) WITHIN GROUP (ORDER BY latency_ms) AS p99
       FROM audit_requests ${where} GROUP BY 1, 2 ORDER BY 2, 1`,
      where.params,
    );
    const failures: Array<{ tenant_id: string; bucket_start: string; kind: string; n: string }> = await this.dataSource.query(
      `SELECT tenant_id, ${exactTime(bucketExpr)} AS bucket_start, coalesce(scim_type, 'status:' || status) AS kind, count(*) AS n
       FROM audit_requests ${where} AND status >= 400 GROUP BY 1, 2, 3`,
      where.params,
    );
    const items = new Map<string, TenantActivity>();
    for (const t of totals) {
      const requests = Number(t.requests);
      const successes = Number(t.successes);
      items.set(`${t.tenant_id}|${t.bucket_start}`, {
        tenantId: t.tenant_id,
        bucketStart: t.bucket_start,
        requests,
        successes,
        failures: requests - successes,
        failuresByScimType: {},
        p50LatencyMs: round(t.p50),
        p99LatencyMs: round(t.p99),
      });
    }
    for (const f of failures) {
      const item = items.get(`${f.tenant_id}|${f.bucket_start}`);
      if (item) item.failuresByScimType[f.kind] = Number(f.n);
    }
    return { bucket, from: from.toISOString(), to: to.toISOString(), items: [...items.values()] };
  }

  async tenants(tenantIds: string[] | undefined, now: Date): Promise<AuditedTenant[]> {
    const rows: Array<{ tenant_id: string; last_seen_at: Date; requests: string; failures: string }> = await this.dataSource.query(
      `SELECT t.tenant_id, t.last_seen_at,
         (SELECT count(*) FROM audit_requests r WHERE r.tenant_id = t.tenant_id AND r.received_at >= $1) AS requests,
         (SELECT count(*) FROM audit_requests r WHERE r.tenant_id = t.tenant_id AND r.received_at >= $1 AND r.status >= 400) AS failures
       FROM audit_tenants t ${tenantIds ? 'WHERE t.tenant_id = ANY($2)' : ''}
       ORDER BY t.last_seen_at DESC LIMIT 1000`,
      [new Date(now.getTime() - 86_400_000).toISOString(), ...(tenantIds ? [tenantIds] : [])],
    );
    return rows.map((r) => ({ tenantId: r.tenant_id, lastSeenAt: new Date(r.last_seen_at).toISOString(), requests24h: Number(r.requests), failures24h: Number(r.failures) }));
  }

  private async resourceRows(where: string, params: unknown[], limit: number): Promise<AuditedResource[]> {
    const rows: Array<Omit<ResourceState, 'last_changed_at' | 'last_event_id'> & { last_changed_exact: string }> = await this.dataSource.query(
      `SELECT tenant_id, resource_type, resource_id, user_name, external_id, display_name, deleted, ${exactTime('last_changed_at')} AS last_changed_exact, state
       FROM audit_resources ${where} ORDER BY last_changed_at DESC LIMIT ${limit}`,
      params,
    );
    return rows.map((r) => ({
      tenantId: r.tenant_id,
      resourceType: r.resource_type,
      resourceId: r.resource_id,
      userName: r.user_name,
      externalId: r.external_id,
      displayName: r.display_name,
      deleted: r.deleted,
      lastChangedAt: r.last_changed_exact,
      state: r.state,
    }));
  }
}

interface RequestRow {
  record_id: string;
  received_at_exact: string;
  tenant_id: string | null;
  token_id: string | null;
  method: string;
  path: string;
  query: string;
  status: number;
  scim_type: string | null;
  latency_ms: number;
  correlation_id: string;
  client_request_id: string | null;
  resource_type: AuditedResourceType | null;
  operation: RequestOperation;
  resource_ids: string[];
  user_name: string | null;
  external_id: string | null;
  request_body: unknown;
  response_body: unknown;
  ignored_attributes: string[];
}

type ChangeRowOut = Omit<ChangeRow, 'occurred_at'> & { seq: string; occurred_at_exact: string };

function requestOf(r: RequestRow): AuditedRequest {
  return {
    recordId: r.record_id,
    tenantId: r.tenant_id,
    tokenId: r.token_id,
    method: r.method,
    path: r.path,
    query: r.query,
    status: r.status,
    scimType: r.scim_type,
    latencyMs: r.latency_ms,
    correlationId: r.correlation_id,
    clientRequestId: r.client_request_id,
    resourceType: r.resource_type,
    resourceIds: r.resource_ids,
    operation: r.operation,
    userName: r.user_name,
    externalId: r.external_id,
    receivedAt: r.received_at_exact,
    requestBody: r.request_body,
    responseBody: r.response_body,
    ignoredAttributes: r.ignored_attributes,
  };
}

/** The consumption sequence of a change, kept off the API's type (it only orders and pages). */
const SEQ = Symbol('seq');
type SequencedChange = AuditedChange & { [SEQ]?: string };

function sequenceOf(c: AuditedChange): string {
  return (c as SequencedChange)[SEQ] ?? '0';
}

function changeOf(r: ChangeRowOut): AuditedChange {
  const change: SequencedChange = {
    eventId: r.event_id,
    tenantId: r.tenant_id,
    type: r.type,
    resourceType: r.resource_type,
    resourceId: r.resource_id,
    userName: r.user_name,
    externalId: r.external_id,
    displayName: r.display_name,
    occurredAt: r.occurred_at_exact,
    correlationId: r.correlation_id,
    changedAttributes: r.changed_attributes,
    differences: r.differences,
    memberIds: r.member_ids,
  };
  Object.defineProperty(change, SEQ, { value: r.seq, enumerable: false });
  return change;
}

function page<T>(items: T[], limit: number, cursorOf: (item: T) => Cursor): AuditPage<T> {
  if (items.length <= limit) return { items, nextCursor: null };
  const kept = items.slice(0, limit);
  return { items: kept, nextCursor: encodeCursor(cursorOf(kept[kept.length - 1]!)) };
}

function round(value: number | null): number {
  return value === null ? 0 : Math.round(Number(value) * 1000) / 1000;
}
