/**
 * RFC 7644 §3.7 Bulk requests without I/O: the request's shape and limits, each operation's
 * method and path, and `bulkId` references (§3.7.2) in paths and data.
 */
import { ScimError, type JsonValue } from '@app/scim';

export const BULK_REQUEST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
export const BULK_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:BulkResponse';

export type BulkMethod = 'POST' | 'PUT' | 'PATCH' | 'DELETE';
const METHODS: readonly BulkMethod[] = ['POST', 'PUT', 'PATCH', 'DELETE'];

/** Endpoints a bulk operation may address, in their routed spelling. */
export const BULK_ENDPOINTS = ['Users', 'Groups'] as const;
export type BulkEndpoint = (typeof BULK_ENDPOINTS)[number];

export interface BulkLimits {
  /** ServiceProviderConfig bulk.maxOperations. */
  maxOperations: number;
  /** ServiceProviderConfig bulk.maxPayloadSize, in bytes. */
  maxPayloadSize: number;
}

export interface BulkOperation {
  /** Position in the request (0-based), to answer in order. */
  index: number;
  method: BulkMethod;
  bulkId?: string;
  /** If-Match of the operation (§3.7: "version"). */
  version?: string;
  path: string;
  data?: JsonValue;
}

export interface BulkRequest {
  /** Stop after this many errors (§3.7.3); undefined: process every operation. */
  failOnErrors?: number;
  operations: BulkOperation[];
}

/** What an operation's path names once its bulkId reference (if any) is resolved. */
export interface BulkTarget {
  endpoint: BulkEndpoint;
  id?: string;
}

const BULK_ID_REFERENCE = /^bulkId:(.+)$/;

/** The request's shape and limits; 413 for too many operations (§3.7.4), 400 for the rest. */
export function parseBulkRequest(body: unknown, limits: BulkLimits): BulkRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ScimError(400, 'invalidSyntax', 'A bulk request is a JSON object');
  const record = body as Record<string, unknown>;
  const schemas = valueOf(record, 'schemas');
  if (!Array.isArray(schemas) || !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === BULK_REQUEST_SCHEMA.toLowerCase())) {
    throw new ScimError(400, 'invalidSyntax', `A bulk request names the schema ${BULK_REQUEST_SCHEMA}`);
  }
  const operations = valueOf(record, 'Operations');
  if (!Array.isArray(operations) || operations.length === 0) throw new ScimError(400, 'invalidSyntax', 'A bulk request needs a non-empty "Operations" array');
  if (operations.length > limits.maxOperations) {
    throw new ScimError(413, undefined, `The bulk request has ${operations.length} operations; maxOperations is ${limits.maxOperations}`);
  }
  const failOnErrors = valueOf(record, 'failOnErrors');
  if (failOnErrors !== undefined && (typeof failOnErrors !== 'number' || !Number.isInteger(failOnErrors) || failOnErrors < 1)) {
    throw new ScimError(400, 'invalidValue', '"failOnErrors" is a positive integer');
  }
  const parsed = operations.map((op, index) => parseOperation(op, index));
  const seen = new Set<string>();
  for (const op of parsed) {
    if (op.bulkId === undefined) continue;
    if (seen.has(op.bulkId)) throw new ScimError(400, 'invalidValue', `bulkId '${op.bulkId}' is used by more than one operation`);
    seen.add(op.bulkId);
  }
  return { ...(failOnErrors !== undefined ? { failOnErrors: failOnErrors } : {}), operations: parsed };
}

function parseOperation(raw: unknown, index: number): BulkOperation {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ScimError(400, 'invalidSyntax', `Operations[${index}] is not an object`);
  const op = raw as Record<string, unknown>;
  const method = valueOf(op, 'method');
  const upper = typeof method === 'string' ? method.toUpperCase() : '';
  if (!(METHODS as readonly string[]).includes(upper)) throw new ScimError(400, 'invalidSyntax', `Operations[${index}].method must be one of ${METHODS.join(', ')}`);
  const path = valueOf(op, 'path');
  if (typeof path !== 'string' || path === '') throw new ScimError(400, 'invalidSyntax', `Operations[${index}].path is required`);
  const bulkId = valueOf(op, 'bulkId');
  if (bulkId !== undefined && (typeof bulkId !== 'string' || bulkId === '' || bulkId.length > 200))
    throw new ScimError(400, 'invalidValue', `Operations[${index}].bulkId must be a non-empty string`);
  // §3.7.1: a POST carries the bulkId its new resource is referred to by.
  if (upper === 'POST' && bulkId === undefined) throw new ScimError(400, 'invalidSyntax', `Operations[${index}] is a POST without a bulkId`);
  const version = valueOf(op, 'version');
  if (version !== undefined && typeof version !== 'string') throw new ScimError(400, 'invalidValue', `Operations[${index}].version must be a string`);
  const data = valueOf(op, 'data');
  if ((upper === 'POST' || upper === 'PUT' || upper === 'PATCH') && (typeof data !== 'object' || data === null || Array.isArray(data))) {
    throw new ScimError(400, 'invalidSyntax', `Operations[${index}] (${upper}) needs a "data" object`);
  }
  return {
    index,
    method: upper as BulkMethod,
    path,
    ...(typeof bulkId === 'string' ? { bulkId } : {}),
    ...(typeof version === 'string' ? { version } : {}),
    ...(data !== undefined ? { data: data as JsonValue } : {}),
  };
}

/** Every bulkId the operation refers to, in its path or anywhere in its data. */
export function referencedBulkIds(op: BulkOperation): string[] {
  const ids = new Set<string>();
  const visit = (value: JsonValue | undefined): void => {
    if (typeof value === 'string') {
      const match = BULK_ID_REFERENCE.exec(value);
      if (match) ids.add(match[1]);
    } else if (Array.isArray(value)) value.forEach(visit);
    else if (value !== null && typeof value === 'object') Object.values(value).forEach(visit);
  };
  visit(op.path.split('/').pop());
  visit(op.data);
  return [...ids];
}

/** The operation with each `bulkId:x` replaced by the id the operation with bulkId x created. */
export function resolveReferences(op: BulkOperation, ids: ReadonlyMap<string, string>): BulkOperation {
  const replace = (value: JsonValue): JsonValue => {
    if (typeof value === 'string') {
      const match = BULK_ID_REFERENCE.exec(value);
      return match && ids.has(match[1]) ? ids.get(match[1])! : value;
    }
    if (Array.isArray(value)) return value.map(replace);
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replace(v)]));
    return value;
  };
  const segments = op.path.split('/');
  const last = segments.pop() ?? '';
  return { ...op, path: [...segments, replace(last) as string].join('/'), ...(op.data !== undefined ? { data: replace(op.data) } : {}) };
}

/** `/Users`, `/users/{id}`, `Groups/{id}`: the endpoint (matched ignoring case) and the id; 400 for anything else. */
export function parseBulkPath(op: BulkOperation): BulkTarget {
  const segments = op.path.replace(/^\/+/, '').replace(/\/+$/, '').split('/');
  const endpoint = BULK_ENDPOINTS.find((e) => e.toLowerCase() === segments[0]?.toLowerCase());
  const id = segments[1];
  const wantsId = op.method !== 'POST';
  if (!endpoint || segments.length > 2 || (wantsId ? !id : id !== undefined)) {
    throw new ScimError(
      400,
      'invalidPath',
      `'${op.path}' is not a path a bulk ${op.method} may take (${op.method === 'POST' ? '/Users or /Groups' : '/Users/{id} or /Groups/{id}'})`,
    );
  }
  return { endpoint, ...(id !== undefined ? { id: decodedSegment(id, op.path) } : {}) };
}

function decodedSegment(segment: string, path: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ScimError(400, 'invalidPath', `'${path}' is not a valid path`);
  }
}

/** A member by name ignoring case (RFC 7644 §3.4.2: attribute names are case-insensitive). */
function valueOf(record: Record<string, unknown>, name: string): unknown {
  const key = Object.keys(record).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : record[key];
}
