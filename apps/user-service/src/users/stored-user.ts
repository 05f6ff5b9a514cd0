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

/** RFC 7644 §3.14: versions are weak entity tags. */
export function etagOf(version: number): string {
  return `W/"${version}"`;
}

/**
 * If-Match against the current version (RFC 7232 §3.1 with weak comparison, §2.3.2, which is
 * what RFC 7644 §3.14 uses for SCIM versions): `*` or any listed tag with the same opaque value.
 */
export function ifMatchSatisfied(ifMatch: string | undefined, version: number): boolean {
  if (ifMatch === undefined || ifMatch.trim() === '') return true;
  const current = `"${version}"`;
  return ifMatch
    .split(',')
    .map((tag) => tag.trim())
    .some((tag) => tag === '*' || tag.replace(/^W\//, '') === current);
}

/** The key userName uniqueness is decided on: userName is not caseExact (RFC 7643 §4.1). */
export function userNameKey(userName: string): string {
  return userName.toLowerCase();
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are UUIDs we assign; anything else names no user (and must not reach a uuid column). */
export function isUserId(id: unknown): id is string {
  return typeof id === 'string' && UUID.test(id);
}
