import type { FastifyRequest } from 'fastify';

/** Options of the SCIM edge (ScimEdgeModule): where SCIM lives, what a request may weigh, default limits. */
export interface ScimEdgeOptions {
  /** Path prefix of every SCIM route, e.g. "/scim/v2" (RFC 7644 §3.13 leaves the base URI to the provider). */
  basePath: string;
  /** Largest request body read, in bytes; larger ones get 413. */
  bodyLimitBytes: number;
  /** Rate limit of a tenant whose profile sets none. */
  defaultRateLimit: { requestsPerSecond: number; burst: number };
  /** Writes in flight per tenant when its profile sets no maxWritesInFlight. */
  defaultMaxWritesInFlight: number;
  /**
   * `shared`: a tenant's rate is one bucket in the gateway's database leased by every instance,
   * and its writes-in-flight cap is divided by the live instances (rate-limit/shared-tenant-limits.ts);
   * `instance`: both in memory, per instance.
   */
  rateLimitScope: 'shared' | 'instance';
  /** Adaptive limit on writes in flight across all tenants (rate-limit/write-admission.ts); unset: off. */
  writeAdmission?: { minLimit: number; maxLimit: number; targetMs: number; maxQueue: number; maxWaitMs: number };
  /**
   * Absolute URL of the SCIM base as clients see it (e.g. "https://scim.example.com/scim/v2"),
   * for meta.location. Unset: built from the request's protocol and Host header.
   */
  publicBaseUrl?: string;
  /**
   * Routes (outside the SCIM base path) that read application/x-www-form-urlencoded bodies: the
   * OAuth token endpoint (RFC 6749 §4.4.2). Every other route answers such a body with 415.
   */
  formBodyRoutes?: string[];
}

export const DEFAULT_SCIM_EDGE_OPTIONS: ScimEdgeOptions = {
  basePath: '/scim/v2',
  bodyLimitBytes: 1_048_576,
  defaultRateLimit: { requestsPerSecond: 1000, burst: 2000 },
  defaultMaxWritesInFlight: 100,
  rateLimitScope: 'instance',
};

/** Fills defaults and checks what would make the edge unsafe (SCIM at the root would put /admin under tenant auth). */
export function resolveScimEdgeOptions(options: Partial<ScimEdgeOptions>): ScimEdgeOptions {
  const resolved = { ...DEFAULT_SCIM_EDGE_OPTIONS, ...options };
  const basePath = normaliseBasePath(resolved.basePath);
  if (basePath === '') throw new Error('The SCIM base path must not be the root: admin and health routes live beside it');
  return { ...resolved, basePath, publicBaseUrl: resolved.publicBaseUrl?.replace(/\/+$/, '') };
}

export const SCIM_EDGE_OPTIONS = Symbol('SCIM_EDGE_OPTIONS');

/** SCIM responses carry this type (RFC 7644 §3.1: application/scim+json; UTF-8 per §3.8 / RFC 7159). */
export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** "scim/v2/" → "/scim/v2"; "/" → "" (refused by resolveScimEdgeOptions). */
export function normaliseBasePath(path: string): string {
  const trimmed = path.trim().replace(/\/+$/, '');
  if (trimmed === '') return '';
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

/** The absolute SCIM base URL for meta.location (RFC 7643 §3.1), e.g. "https://host/scim/v2". */
export function scimBaseUrl(request: { protocol: string; host: string }, options: Pick<ScimEdgeOptions, 'basePath' | 'publicBaseUrl'>): string {
  return options.publicBaseUrl ?? `${request.protocol}://${request.host}${normaliseBasePath(options.basePath)}`;
}

/**
 * Whether a request path (query string allowed) is under the SCIM base path. Compared
 * case-sensitively, as the router matches routes.
 */
export function isUnderBasePath(url: string, basePath: string): boolean {
  const base = normaliseBasePath(basePath);
  const path = url.split('?', 1)[0] ?? '';
  return path === base || path.startsWith(`${base}/`);
}

/** Whether the request matched a route under the SCIM base path (the route pattern, not the raw URL). */
export function isScimRoute(request: Pick<FastifyRequest, 'url' | 'routeOptions'>, basePath: string): boolean {
  return isUnderBasePath(request.routeOptions?.url ?? request.url, basePath);
}
