import type { CommandEnvelope } from './commands';

/**
 * What a tenant's connector profile decides about its User schema. The gateway puts it in every
 * command, so the owning service applies the tenant's rules without reading the tenant registry.
 */
export interface SchemaProfile {
  /** Extension schema URNs enabled for the tenant's Users (enterprise, Genesys, ...). */
  extensions: string[];
  /** Attribute path → mutability that differs from RFC 7643 (e.g. `entitlements: immutable` = create-only). */
  mutabilityOverrides: Record<string, 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly'>;
  /** `ignore`: unknown attributes are dropped and reported; `strict`: refused with 400. */
  unknownAttributes: 'ignore' | 'strict';
  /**
   * `entra` (absent: the same): Microsoft Entra's dialect is accepted ("True" strings, a filtered
   * replace matching nothing adds an entry, a filtered remove matching nothing is a no-op).
   * `rfc7644`: RFC 7644 as written (400 invalidValue, noTarget).
   */
  strictness?: Strictness;
}

/** A tenant's RFC strictness (connector profile `strictness`). */
export type Strictness = 'entra' | 'rfc7644';

/** A SCIM resource as JSON. */
export type ResourceJson = Record<string, unknown>;

export interface CreateUserPayload {
  profile: SchemaProfile;
  /** Body validated by the gateway (schemas, types, required attributes); no id or meta. */
  resource: ResourceJson;
}

export interface ReplaceUserPayload {
  profile: SchemaProfile;
  id: string;
  resource: ResourceJson;
  /** The client's If-Match ETag; the service answers 412 when it does not match. */
  ifMatch?: string;
}

/** One PATCH operation after the gateway normalised Entra's dialect (RFC 7644 §3.5.2). */
export interface PatchOperationJson {
  op: 'add' | 'replace' | 'remove';
  path?: string;
  value?: unknown;
}

export interface PatchUserPayload {
  profile: SchemaProfile;
  id: string;
  operations: PatchOperationJson[];
  ifMatch?: string;
}

export interface DeleteUserPayload {
  id: string;
  ifMatch?: string;
}

export type CreateUserCommand = CommandEnvelope<'user.create', CreateUserPayload>;
export type ReplaceUserCommand = CommandEnvelope<'user.replace', ReplaceUserPayload>;
export type PatchUserCommand = CommandEnvelope<'user.patch', PatchUserPayload>;
export type DeleteUserCommand = CommandEnvelope<'user.delete', DeleteUserPayload>;
export type UserCommandOf = CreateUserCommand | ReplaceUserCommand | PatchUserCommand | DeleteUserCommand;

/**
 * The user-service's internal query API (HTTP, not exposed to tenants), used by the gateway for
 * GET, list and .search. Paths are relative to the service's base URL.
 */
export const UserQueryRoutes = {
  /** GET → 200 StoredResource, or 404. */
  byId: (tenantId: string, id: string) => `/internal/v1/tenants/${encodeURIComponent(tenantId)}/users/${encodeURIComponent(id)}`,
  /** POST ResourceQuery → 200 ResourcePage, or 400 with a SCIM error body. */
  query: (tenantId: string) => `/internal/v1/tenants/${encodeURIComponent(tenantId)}/users/query`,
  /** POST UserIds → 200 UserIds: which of these ids are users of the tenant now. */
  existing: (tenantId: string) => `/internal/v1/tenants/${encodeURIComponent(tenantId)}/users/existing`,
} as const;

export interface UserIds {
  ids: string[];
}

export interface ResourceQuery {
  profile: SchemaProfile;
  /** RFC 7644 filter text; the service parses and validates it again and translates it to SQL. */
  filter?: string;
  /** 1-based. */
  startIndex: number;
  count: number;
  sortBy?: string;
  sortOrder?: 'ascending' | 'descending';
}

/** A resource as its owning service stores it: full SCIM JSON with `meta` but without `meta.location`. */
export interface StoredResource {
  resource: ResourceJson;
  /** Weak ETag, e.g. `W/"3"`. */
  version: string;
}

export interface ResourcePage {
  totalResults: number;
  resources: StoredResource[];
}
