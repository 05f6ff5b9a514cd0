import type { AuditedRequest, AuditedResourceType, RequestOperation } from '@app/contracts';
import type { Cursor } from '../query/cursor';
import { exactTime, Where, type Queryable } from './sql';

/** A row of audit_requests as written. */
export interface RequestRow {
  record_id: string;
  received_at: string;
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

/** A query's filters after validation (see query/query-parameters.ts); tenantIds undefined means every tenant. */
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

const REQUEST_COLUMNS = `record_id, ${exactTime('received_at')} AS received_at_exact, tenant_id, token_id, method, path, query, status, scim_type, latency_ms,
  correlation_id, client_request_id, resource_type, operation, resource_ids, user_name, external_id, request_body, response_body, ignored_attributes`;

/** audit_requests: the request records, day-partitioned and append-only. */
export class RequestRepository {
  constructor(private readonly db: Queryable) {}

  /** Inserts the rows not stored yet (by record id) and returns those inserted. */
  async insertNew(rows: readonly RequestRow[]): Promise<RequestRow[]> {
    const inserted: Array<Omit<RequestRow, 'received_at'> & { received_at: Date }> = await this.db.query(
      `INSERT INTO audit_requests (record_id, received_at, tenant_id, token_id, method, path, query, status, scim_type, latency_ms,
         correlation_id, client_request_id, resource_type, operation, resource_ids, user_name, external_id, request_body, response_body, ignored_attributes)
       SELECT r.record_id, r.received_at, r.tenant_id, r.token_id, r.method, r.path, r.query, r.status, r.scim_type, r.latency_ms,
         r.correlation_id, r.client_request_id, r.resource_type, r.operation, r.resource_ids, r.user_name, r.external_id, r.request_body, r.response_body, r.ignored_attributes
       FROM jsonb_to_recordset($1::jsonb) AS r(record_id varchar, received_at timestamptz, tenant_id varchar, token_id varchar, method varchar,
         path text, query text, status smallint, scim_type varchar, latency_ms double precision, correlation_id varchar, client_request_id varchar,
         resource_type varchar, operation varchar, resource_ids text[], user_name text, external_id text, request_body jsonb, response_body jsonb, ignored_attributes text[])
       ON CONFLICT (record_id, received_at) DO NOTHING
       RETURNING record_id, received_at, tenant_id, status, latency_ms`,
      [JSON.stringify(rows)],
    );
    const byId = new Map(rows.map((r) => [r.record_id, r]));
    return inserted.map((i) => byId.get(i.record_id)!).filter((r) => r !== undefined);
  }

  /** Newest first, `limit + 1` rows (the extra one says there is a next page). */
  async find(filters: RequestFilters, limit: number, cursor?: Cursor): Promise<AuditedRequest[]> {
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
    const rows: Array<Omit<RequestRow, 'received_at'> & { received_at_exact: string }> = await this.db.query(
      `SELECT ${REQUEST_COLUMNS} FROM audit_requests ${where.toString()} ORDER BY received_at DESC, record_id DESC LIMIT ${where.param(limit + 1)}`,
      where.params,
    );
    return rows.map(requestOf);
  }
}

function requestOf(r: Omit<RequestRow, 'received_at'> & { received_at_exact: string }): AuditedRequest {
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
