/**
 * Request URLs as the router knows them. Microsoft's SCIMReferenceCode (ASP.NET routing, case
 * insensitive) answers `/scim/v2/users` and `/scim/v2/Users/?filter=...`, and its Postman
 * collection sends both; RFC 7644 §3.2 names the endpoints `/Users`, `/Groups`, ... without
 * saying whether case matters. So under the SCIM base path the endpoint segment is matched
 * ignoring case and trailing slashes are dropped, before routing (Fastify's `rewriteUrl`).
 * The base path itself stays exact (it is the tenant URL an admin pasted), ids keep their case.
 */
import { normaliseBasePath } from './scim-edge.options';

/** Every endpoint under the base path, in the spelling the controllers route (RFC 7644 §3.2, §4). */
export const SCIM_ENDPOINTS = ['Users', 'Groups', 'ServiceProviderConfig', 'Schemas', 'ResourceTypes', 'Bulk'] as const;

/** Sub-resources that are words rather than ids (RFC 7644 §3.4.3). */
const ACTIONS = ['.search'] as const;

const BY_LOWER = new Map<string, string>([...SCIM_ENDPOINTS, ...ACTIONS].map((name) => [name.toLowerCase(), name]));

/**
 * `/scim/v2/users/?filter=x` → `/scim/v2/Users?filter=x`; `/scim/v2/USERS/abc/.SEARCH` →
 * `/scim/v2/Users/abc/.search`. URLs outside the base path are returned unchanged.
 */
export function canonicalScimUrl(url: string, basePath: string): string {
  const base = normaliseBasePath(basePath);
  const queryAt = url.indexOf('?');
  const path = queryAt < 0 ? url : url.slice(0, queryAt);
  const query = queryAt < 0 ? '' : url.slice(queryAt);
  if (path !== base && !path.startsWith(`${base}/`)) return url;
  const relative = path.slice(base.length).replace(/\/+$/, '');
  if (relative === '') return base + query;
  const [endpoint, ...rest] = relative.slice(1).split('/');
  const canonicalEndpoint = BY_LOWER.get(endpoint.toLowerCase()) ?? endpoint;
  // Only the action word after an endpoint is folded (`/Users/.SEARCH`); an id keeps its case.
  const tail = rest.map((segment, i) => (i === 0 ? ((ACTIONS as readonly string[]).find((a) => a === segment.toLowerCase()) ?? segment) : segment));
  return `${base}/${[canonicalEndpoint, ...tail].join('/')}${query}`;
}
