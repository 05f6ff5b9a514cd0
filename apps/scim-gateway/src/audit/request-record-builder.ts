import { REDACTED, type AuditedResourceType, type RequestOperation, type RequestRecord, type TruncatedBody } from '@app/contracts';

/** What the gateway keeps of a request while answering it; turned into a RequestRecord off the request path. */
export interface ObservedRequest {
  /** Assigned when the request is observed, so a batch sent again carries the same ids (the audit log deduplicates on it). */
  recordId: string;
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
  /** The parsed body, or already cut to a TruncatedBody by shrinkObserved when it was too large to hold. */
  requestBody: unknown;
  /** Length of the request body as received (its content-length), for batch sizing. */
  requestBytes: number;
  /** Ids taken from a body before it was cut (shrinkObserved). */
  bodyResourceIds?: string[];
  /** userName / externalId taken from a body before it was cut. */
  bodyNames?: { userName: string | null; externalId: string | null };
  /** Unknown attributes ignored while handling the request. */
  ignoredAttributes?: readonly string[];
  /** The answer as sent (a JSON string for SCIM answers), or undefined for an empty one. */
  responsePayload: string | undefined;
  /** Set by shrinkObserved when the answer was longer than it keeps: responsePayload is then its first characters. */
  responseBytes?: number;
}

export interface RecordLimits {
  /** Bodies whose JSON is longer are kept as a preview of this many characters. */
  bodyLimitBytes: number;
  /** Most resource ids a record lists (a PATCH of 1,000 members lists the group and its members). */
  maxResourceIds: number;
}

export const DEFAULT_RECORD_LIMITS: RecordLimits = { bodyLimitBytes: 16_384, maxResourceIds: 1_000 };

/** Longest userName / externalId a record names (longer ones are cut; Postgres indexes them). */
export const MAX_NAME_LENGTH = 512;
/** Filters longer than this are not searched for a userName (bounds the work per record). */
const MAX_FILTER_SCANNED = 1_024;
/** Bodies nested deeper than this are cut there (a record must build whatever the client sent). */
const MAX_DEPTH = 64;

function isTruncated(value: unknown): value is TruncatedBody {
  return isObject(value) && value.truncated === true && typeof value.bytes === 'number';
}

/**
 * What a waiting record may hold: for a 401, no body at all (nothing an unauthenticated caller
 * sends is kept); a body or answer over four times the body limit is cut at once, with the ids
 * and user it names taken first, so the buffer never holds large bodies. Cheap: no JSON is
 * parsed or written here (this runs on the request's turn of the event loop).
 */
export function shrinkObserved(observed: ObservedRequest, basePath: string, limits: RecordLimits): ObservedRequest {
  const keep = limits.bodyLimitBytes * 4;
  let out = observed;
  if (observed.status === 401) {
    out = { ...out, requestBody: undefined };
  } else if (observed.requestBody !== undefined && observed.requestBytes > keep) {
    const relative = relativeRoute(observed.route ?? observed.url.split('?')[0], basePath);
    out = {
      ...out,
      requestBody: { truncated: true, bytes: observed.requestBytes, preview: '' } satisfies TruncatedBody,
      bodyResourceIds: resourceIdsOf({}, observed.requestBody, undefined, limits.maxResourceIds),
      bodyNames: namedUser(resourceTypeOf(relative), observed.requestBody, undefined, ''),
    };
  }
  if (observed.responsePayload !== undefined && observed.responsePayload.length > keep) {
    out = { ...out, responsePayload: observed.responsePayload.slice(0, limits.bodyLimitBytes), responseBytes: Buffer.byteLength(observed.responsePayload) };
  }
  return out;
}

/** Builds the audit record of an answered request: operation, resource, user, redacted bodies. */
export function buildRequestRecord(observed: ObservedRequest, basePath: string, limits: RecordLimits = DEFAULT_RECORD_LIMITS): RequestRecord {
  const [rawPath, ...rest] = observed.url.split('?');
  const path = rawPath ?? '';
  const query = rest.join('?');
  const relative = relativeRoute(observed.route ?? path, basePath);
  const resourceType = resourceTypeOf(relative);
  const operation = observed.route === undefined ? 'other' : operationOf(observed.method, relative);
  const response: unknown =
    observed.responseBytes !== undefined
      ? ({ truncated: true, bytes: observed.responseBytes, preview: observed.responsePayload ?? '' } satisfies TruncatedBody)
      : parseJson(observed.responsePayload);
  const body = observed.requestBody;
  const unauthenticated = observed.status === 401;
  const named = unauthenticated ? { userName: null, externalId: null } : namedUser(resourceType, body, response, query);
  if (observed.bodyNames) {
    named.userName ??= observed.bodyNames.userName;
    named.externalId ??= observed.bodyNames.externalId;
  }
  const resourceIds = resourceIdsOf(observed.params, isTruncated(body) ? undefined : body, isTruncated(response) ? undefined : response, limits.maxResourceIds);
  for (const id of observed.bodyResourceIds ?? []) if (resourceIds.length < limits.maxResourceIds && !resourceIds.includes(id)) resourceIds.push(id);
  return {
    recordId: observed.recordId,
    tenantId: observed.tenantId,
    tokenId: observed.tokenId,
    method: observed.method,
    path,
    query,
    status: observed.status,
    scimType: isTruncated(response) ? null : scimTypeOf(response),
    latencyMs: Math.round(observed.latencyMs * 1000) / 1000,
    correlationId: observed.correlationId,
    clientRequestId: observed.clientRequestId,
    resourceIds,
    receivedAt: observed.receivedAt.toISOString(),
    resourceType,
    operation,
    userName: cut(named.userName),
    externalId: cut(named.externalId),
    requestBody: body === undefined ? null : isTruncated(body) ? body : auditedBody(body, limits.bodyLimitBytes),
    responseBody: response === undefined ? null : isTruncated(response) ? { ...response, preview: clean(response.preview) } : auditedBody(response, limits.bodyLimitBytes),
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
    // A BulkResponse names each resource it touched by its location (RFC 7644 §3.7.3).
    if (Array.isArray(response.Operations)) for (const op of response.Operations) if (isObject(op) && typeof op.location === 'string') add(op.location.split('/').pop());
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
    const filter = new URLSearchParams(query).get('filter') ?? undefined;
    return filter !== undefined && filter.length <= MAX_FILTER_SCANNED ? filter : undefined;
  } catch {
    return undefined;
  }
}

function eqValue(filter: string, attribute: string): string | null {
  const match = new RegExp(`(?:^|[\\s(])(?:urn:[^\\s]*:)?${attribute}\\s+eq\\s+"((?:[^"\\\\]|\\\\.)*)"`, 'i').exec(filter);
  return match ? match[1].replace(/\\(.)/g, '$1') : null;
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
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return clean(value);
  if (depth > MAX_DEPTH) return '[nested too deep]';
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, depth + 1));
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  // PATCH operation members are matched in any case (RFC 7644 §3.5.2 names them, parsers are lenient).
  const pathKey = Object.keys(value).find((k) => /^path$/i.test(k));
  const path = pathKey !== undefined ? value[pathKey] : undefined;
  // `password`, `urn:…:password`, and the refused forms `password[value eq "…"]` / `password.x`,
  // whose text may itself hold the secret: the filter is redacted along with the value.
  const passwordPath = typeof path === 'string' ? /(^|[:.])password\s*(\[|\.|$)/i.exec(path.trim()) : null;
  for (const [key, v] of Object.entries(value)) {
    if (/^password$/i.test(key) || /:password$/i.test(key)) out[clean(key)] = REDACTED;
    else if (passwordPath !== null && /^value$/i.test(key)) out[key] = REDACTED;
    else if (passwordPath !== null && key === pathKey && passwordPath[2] !== '') {
      const text = (path as string).trim();
      out[key] = clean(`${text.slice(0, passwordPath.index + passwordPath[0].length - 1)}${passwordPath[2] === '[' ? `[${REDACTED}]` : `.${REDACTED}`}`);
    } else out[clean(key)] = redactSecrets(v, depth + 1);
  }
  return out;
}

/** NUL cannot be stored in Postgres text or jsonb: it becomes U+FFFD, so a record is never refused for it. */
function clean(text: string): string {
  return text.includes('\u0000') ? text.replace(/\u0000/g, '\uFFFD') : text;
}

function cut(name: string | null): string | null {
  return name === null ? null : clean(name.length > MAX_NAME_LENGTH ? name.slice(0, MAX_NAME_LENGTH) : name);
}
