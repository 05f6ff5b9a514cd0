import type { AuditedResourceType, ChangeQuery, RequestOperation, RequestQuery } from '@app/contracts';
import { invalidParameter } from '../domain/audit-error';
import type { ChangeFilters } from '../persistence/change.repository';
import type { RequestFilters } from '../persistence/request.repository';
import type { DeadLetterFilters } from '../persistence/dead-letter.repository';
import { decodeCursor, parseInstant, type Cursor } from './cursor';

/** Summary buckets: their name in the API and their Postgres interval. */
export const BUCKETS: Record<string, string> = { '1m': '1 minute', '5m': '5 minutes', '15m': '15 minutes', '1h': '1 hour', '1d': '1 day' };

const OPERATIONS: readonly RequestOperation[] = ['create', 'read', 'list', 'search', 'replace', 'patch', 'delete', 'discovery', 'other'];
const RESOURCE_TYPES: readonly AuditedResourceType[] = ['User', 'Group'];
export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;

function text(value: unknown, name: string, max = 500): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw invalidParameter(`${name} must be given once`);
  if (value.length > max) throw invalidParameter(`${name} is longer than ${max} characters`);
  return value;
}

export function instant(value: unknown, name: string): Date | undefined {
  const t = text(value, name, 64);
  if (t === undefined) return undefined;
  const parsed = parseInstant(t);
  if (!parsed) throw invalidParameter(`${name} must be an ISO 8601 instant from 1970 to 9999, e.g. 2026-11-23T10:00:00Z`);
  return parsed;
}

export function resourceType(value: unknown): AuditedResourceType | undefined {
  const t = text(value, 'resourceType', 16);
  if (t === undefined) return undefined;
  if (!RESOURCE_TYPES.includes(t as AuditedResourceType)) throw invalidParameter('resourceType must be User or Group');
  return t as AuditedResourceType;
}

export function limit(value: unknown, max = MAX_LIMIT): number {
  const t = text(value, 'limit', 8);
  if (t === undefined) return DEFAULT_LIMIT;
  const n = Number(t);
  if (!Number.isInteger(n) || n < 1 || n > max) throw invalidParameter(`limit must be an integer from 1 to ${max}`);
  return n;
}

/** A cursor from a previous page; changes and histories page by sequence numbers, requests by record ids. */
export function cursor(value: unknown, kind: 'request' | 'change' = 'request'): Cursor | undefined {
  const t = text(value, 'cursor', 1000);
  if (t === undefined) return undefined;
  const c = decodeCursor(t);
  if (!c || (kind === 'change' && !/^\d{1,18}$/.test(c.id))) throw invalidParameter('cursor is not one this API returned for this list');
  return c;
}

function timeRange(query: { from?: unknown; to?: unknown }): { from?: Date; to?: Date } {
  const from = instant(query.from, 'from');
  const to = instant(query.to, 'to');
  if (from && to && from >= to) throw invalidParameter('from must be before to');
  return { from, to };
}

function status(value: unknown): RequestFilters['status'] {
  const t = text(value, 'status', 3);
  if (t === undefined) return undefined;
  if (/^[1-5]\d\d$/.test(t)) return { exact: Number(t) };
  if (/^[1-5]xx$/i.test(t)) return { from: Number(t[0]) * 100, to: Number(t[0]) * 100 + 100 };
  throw invalidParameter('status must be a status code (409) or a class (4xx)');
}

function bool(value: unknown, name: string): boolean | undefined {
  const t = text(value, name, 5);
  if (t === undefined) return undefined;
  if (t !== 'true' && t !== 'false') throw invalidParameter(`${name} must be true or false`);
  return t === 'true';
}

/** The filters of GET /audit/v1/requests, without the tenant scope (the controller adds it). */
export function requestFilters(query: Partial<Record<keyof RequestQuery, unknown>>): Omit<RequestFilters, 'tenantIds'> {
  const operation = text(query.operation, 'operation', 16);
  if (operation !== undefined && !OPERATIONS.includes(operation as RequestOperation)) throw invalidParameter(`operation must be one of ${OPERATIONS.join(', ')}`);
  const method = text(query.method, 'method', 16);
  if (method !== undefined && !/^[A-Za-z]+$/.test(method)) throw invalidParameter('method must be an HTTP method');
  return {
    ...timeRange(query),
    resourceType: resourceType(query.resourceType),
    resourceId: text(query.resourceId, 'resourceId', 200),
    userName: text(query.userName, 'userName'),
    externalId: text(query.externalId, 'externalId'),
    method,
    operation: operation as RequestOperation | undefined,
    status: status(query.status),
    failed: bool(query.failed, 'failed'),
    scimType: text(query.scimType, 'scimType', 64),
    correlationId: text(query.correlationId, 'correlationId', 200),
    clientRequestId: text(query.clientRequestId, 'clientRequestId', 200),
    ignored: bool(query.ignored, 'ignored'),
  };
}

export function changeFilters(query: Partial<Record<keyof ChangeQuery, unknown>>): Omit<ChangeFilters, 'tenantIds'> {
  return {
    ...timeRange(query),
    resourceType: resourceType(query.resourceType),
    resourceId: text(query.resourceId, 'resourceId', 200),
    memberId: text(query.memberId, 'memberId', 200),
    userName: text(query.userName, 'userName'),
    externalId: text(query.externalId, 'externalId'),
    type: text(query.type, 'type', 64),
    correlationId: text(query.correlationId, 'correlationId', 200),
  };
}

export function bucket(value: unknown): string {
  const t = text(value, 'bucket', 4) ?? '1h';
  if (!Object.hasOwn(BUCKETS, t)) throw invalidParameter(`bucket must be one of ${Object.keys(BUCKETS).join(', ')}`);
  return t;
}

export function tenantIdParam(value: unknown): string | undefined {
  return text(value, 'tenantId', 100);
}

export function optionalText(value: unknown, name: string, max: number): string | undefined {
  return text(value, name, max);
}

/** The body of POST /audit/v1/credentials. */
export function issueCredential(body: unknown): { tenantId: string; label: string | null } {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const tenantId = tenantIdParam(b.tenantId);
  if (!tenantId) throw invalidParameter('tenantId is required');
  return { tenantId, label: optionalText(b.label, 'label', 200) ?? null };
}

/** The filters of GET /audit/v1/dead-letters. */
export function deadLetterFilters(query: Record<string, unknown>): DeadLetterFilters {
  return {
    ...timeRange(query),
    topic: text(query.topic, 'topic', 249),
    tenantId: tenantIdParam(query.tenantId),
    replayed: bool(query.replayed, 'replayed'),
  };
}

/** POST /audit/v1/dead-letters/replay body: `{ ids: string[], reason?: string }`. */
export function replayRequest(body: unknown): { ids: string[]; reason?: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalidParameter('the body must be a JSON object {"ids": [...], "reason": "..."}');
  const { ids, reason, ...rest } = body as Record<string, unknown>;
  const extra = Object.keys(rest)[0];
  if (extra !== undefined) throw invalidParameter(`unknown member '${extra}'`);
  if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string')) throw invalidParameter('ids must be an array of dead-letter ids (strings)');
  if (reason !== undefined && typeof reason !== 'string') throw invalidParameter('reason must be a string');
  return { ids: ids as string[], reason: reason === '' ? undefined : reason };
}
