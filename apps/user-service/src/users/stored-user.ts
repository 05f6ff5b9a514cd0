import type { JsonObject } from '@app/scim';

/**
 * A user as the service stores it: the full SCIM resource (with `schemas`, `id` and `meta`, but
 * without `meta.location`, which depends on the gateway's base URL) plus the bookkeeping the
 * store indexes. `resource.meta` and the fields here always agree.
 */
export interface StoredUser {
  tenantId: string;
  id: string;
  resource: JsonObject;
  /** Incremented on every accepted change; the ETag is `W/"<version>"`. */
  version: number;
  /** ISO 8601, equal to `resource.meta.created`. */
  created: string;
  /** ISO 8601, equal to `resource.meta.lastModified`. */
  lastModified: string;
}

/** The key userName uniqueness is decided on: userName is not caseExact (RFC 7643 §4.1). */
export function userNameKey(userName: string): string {
  return userName.toLowerCase();
}
