import { randomUUID } from 'node:crypto';
import { REDACTED, type AuditedResourceType, type RequestOperation, type RequestRecord, type TruncatedBody } from '@app/contracts';

/** What the gateway keeps of a request while answering it; turned into a RequestRecord off the request path. */
export interface ObservedRequest {
  receivedAt: Date;
  method: string;
  /** The raw URL (path and query) as received. */
  url: string;
  /** The matched route pattern (e.g. /scim/v2/Users/:id), undefined when no route matched. */
  route: string | undefined;
  params: Record<string, unknown>;
  status: number;
  latencyMs: number;
  correlationId: string;
  clientRequestId: string | null;
  tenantId: string | null;
  tokenId: string | null;
  requestBody: unknown;
  /** Length of the request body as received (its content-length), for batch sizing. */
  requestBytes: number;
  /** Unknown attributes ignored while handling the request. */
  ignoredAttributes?: readonly string[];
  /** The answer as sent (a JSON string for SCIM answers), or undefined for an empty one. */
  responsePayload: string | undefined;
}

export interface RecordLimits {
  /** Bodies whose JSON is longer are kept as a preview of this many characters. */
  bodyLimitBytes: number;
  /** Most resource ids a record lists (a PATCH of 1,000 members lists the group and its members). */
  maxResourceIds: number;
}

export const DEFAULT_RECORD_LIMITS: RecordLimits = { bodyLimitBytes: 16_384, maxResourceIds: 1_000 };

/** Builds the audit record of an answered request: operation, resource, user, redacted bodies. */
export function buildRequestRecord(observed: ObservedRequest, basePath: string, limits: RecordLimits = DEFAULT_RECORD_LIMITS): RequestRecord {
  const [rawPath, ...rest] = observed.url.split('?');
  const path = rawPath ?? '';
  const query = rest.join('?');
  const relative = relativeRoute(observed.route ?? path, basePath);
  const resourceType = resourceTypeOf(relative);
  const operation = observed.route === undefined ? 'other' : operationOf(observed.method, relative);
  const response = parseJson(observed.responsePayload);
  const body = observed.requestBody;
  const named = namedUser(resourceType, body, response, query);
  return {
    recordId: randomUUID(),
    tenantId: observed.tenantId,
    tokenId: observed.tokenId,
    method: observed.method,
    path,
    query,
    status: observed.status,
    scimType: scimTypeOf(response),
    latencyMs: Math.round(observed.latencyMs * 1000) / 1000,
    correlationId: observed.correlationId,
    clientRequestId: observed.clientRequestId,
    resourceIds: resourceIdsOf(observed.params, body, response, limits.maxResourceIds),
    receivedAt: observed.receivedAt.toISOString(),
    resourceType,
    operation,
    userName: named.userName,
    externalId: named.externalId,
    requestBody: body === undefined ? null : auditedBody(body, limits.bodyLimitBytes),
    responseBody: response === undefined ? null : auditedBody(response, limits.bodyLimitBytes),
    ...(observed.ignoredAttributes?.length ? { ignoredAttributes: [...observed.ignoredAttributes] } : {}),
  };
}

/** The route below the base path: "/Users/:id", "/Groups", "/Schemas/:id", "/Users/.search". */
function relativeRoute(route: string, basePath: string): string {
  return route.startsWith(basePath) ? route.slice(basePath.length) || '/' : route;
}

export function resourceTypeOf(relative: string): AuditedResourceType | null {
  if (relative === '/Users' || relative.startsWith('/Users/')) return 'User';
  if (relative === '/Groups' || relative.startsWith('/Groups/')) return 'Group';
  return null;
}

export function operationOf(method: string, relative: string): RequestOperation {
  const segments = relative.split('/').filter(Boolean);
  const [collection, second] = segments;
  if (collection !== 'Users' && collection !== 'Groups') {
    return collection === 'ServiceProviderConfig' || collection === 'Schemas' || collection === 'ResourceTypes' ? 'discovery' : 'other';
  }
  if (second === '.search') return 'search';
  const item = second !== undefined;
  switch (method.toUpperCase()) {
    case 'GET':
      return item ? 'read' : 'list';
    case 'POST':
      return item ? 'other' : 'create';
    case 'PUT':
      return 'replace';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return 'delete';
    default:
      return 'other';
  }
}

function parseJson(payload: string | undefined): unknown {
  if (payload === undefined || payload === '') return undefined;
  try {
    return JSON.parse(payload);
  } catch {
    return payload;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function scimTypeOf(response: unknown): string | null {
  return isObject(response) && typeof response.scimType === 'string' ? response.scimType : null;
}

/**
 * The ids a request touched: the route's id, the id of the resource answered (a create's new
 * id, or the resources a list returned), and the member ids a group body names.
 */
export function resourceIdsOf(params: Record<string, unknown>, body: unknown, response: unknown, max: number): string[] {
  const ids = new Set<string>();
  const add = (value: unknown) => {
    if (typeof value === 'string' && value.length > 0 && value.length <= 200 && ids.size < max) ids.add(value);
  };
  add(params.id);
  if (isObject(response)) {
    add(response.id);
    if (Array.isArray(response.Resources)) for (const r of response.Resources) if (isObject(r)) add(r.id);
  }
  if (isObject(body)) {
    for (const member of Array.isArray(body.members) ? body.members : []) if (isObject(member)) add(member.value);
    for (const op of Array.isArray(body.Operations) ? body.Operations : []) {
      if (!isObject(op)) continue;
      const values = Array.isArray(op.value) ? op.value : [op.value];
      for (const v of values) if (isObject(v)) add(v.value);
      // Entra's remove form names the member in the path: members[value eq "id"].
      const memberInPath = typeof op.path === 'string' ? /^members\[value eq "([^"]+)"\]$/i.exec(op.path.trim()) : null;
      if (memberInPath) add(memberInPath[1]);
    }
  }
  return [...ids];
}

/** userName and externalId named by a User request: its body, the answer, or an `eq` filter (Entra's lookup). */
export function namedUser(resourceType: AuditedResourceType | null, body: unknown, response: unknown, query: string): { userName: string | null; externalId: string | null } {
  const named = { userName: null as string | null, externalId: null as string | null };
  if (resourceType !== 'User') return named;
  for (const source of [body, response]) {
    if (!isObject(source)) continue;
    if (named.userName === null && typeof source.userName === 'string') named.userName = source.userName;
    if (named.externalId === null && typeof source.externalId === 'string') named.externalId = source.externalId;
  }
  if (isObject(response) && Array.isArray(response.Resources) && response.Resources.length === 1 && isObject(response.Resources[0])) {
    const only = response.Resources[0];
    if (named.userName === null && typeof only.userName === 'string') named.userName = only.userName;
    if (named.externalId === null && typeof only.externalId === 'string') named.externalId = only.externalId;
  }
  const filter = filterOf(query);
  if (filter) {
    named.userName ??= eqValue(filter, 'userName');
    named.externalId ??= eqValue(filter, 'externalId');
  }
  return named;
}

function filterOf(query: string): string | undefined {
  if (!query) return undefined;
  try {
    return new URLSearchParams(query).get('filter') ?? undefined;
  } catch {
    return undefined;
  }
}

function eqValue(filter: string, attribute: string): string | null {
  const match = new RegExp(`(?:^|[\\s(])(?:urn:[^\\s]*:)?${attribute}\\s+eq\\s+"((?:[^"\\\\]|\\\\.)*)"`, 'i').exec(filter);
  return match ? match[1]!.replace(/\\(.)/g, '$1') : null;
}

/** A body as the audit log keeps it: every `password` redacted, cut to a preview when too long. */
export function auditedBody(body: unknown, limitBytes: number): unknown {
  const redacted = redactSecrets(body);
  const json = JSON.stringify(redacted) ?? 'null';
  if (Buffer.byteLength(json) <= limitBytes) return redacted;
  return { truncated: true, bytes: Buffer.byteLength(json), preview: json.slice(0, limitBytes) } satisfies TruncatedBody;
}

/**
 * Replaces the value of every attribute named `password` (any case, any depth, including a PATCH
 * operation whose path is password) by a placeholder. A user's password is write-only (RFC 7643
 * §4.1.1) and never leaves the gateway in a record.
 */
export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  const pathIsPassword = typeof value.path === 'string' && /(^|[:.])password$/i.test(value.path.trim());
  for (const [key, v] of Object.entries(value)) {
    if (/^password$/i.test(key) || /:password$/i.test(key)) out[key] = REDACTED;
    else if (pathIsPassword && key === 'value') out[key] = REDACTED;
    else out[key] = redactSecrets(v);
  }
  return out;
}
