import type { JsonObject } from '@app/scim';
import type { StoredUser } from '../users/stored-user';

/** A users row as queries select it. */
export interface UserRow {
  tenant_id: string;
  id: string;
  resource: JsonObject;
  version: number;
}

export const USER_ROW_COLUMNS = 'u.tenant_id, u.id, u.resource, u.version';

export function toStoredUser(row: UserRow): StoredUser {
  const meta = (row.resource.meta ?? {}) as JsonObject;
  return {
    tenantId: row.tenant_id,
    id: row.id,
    resource: row.resource,
    version: row.version,
    created: String(meta.created),
    lastModified: String(meta.lastModified),
  };
}

/** Column values for a user, as parallel arrays for `unnest` (one statement for any number of rows). */
export function userColumnArrays(users: readonly StoredUser[]): unknown[] {
  const text = (value: unknown) => (typeof value === 'string' ? value : null);
  return [
    users.map((u) => u.tenantId),
    users.map((u) => u.id),
    users.map((u) => String(u.resource.userName)),
    users.map((u) => text(u.resource.externalId)),
    users.map((u) => text(u.resource.displayName)),
    users.map((u) => (typeof u.resource.active === 'boolean' ? u.resource.active : null)),
    users.map((u) => JSON.stringify(u.resource)),
    users.map((u) => u.version),
    users.map((u) => u.created),
    users.map((u) => u.lastModified),
  ];
}

export const USER_COLUMNS_UNNEST = `unnest($1::varchar[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::boolean[],
  $7::jsonb[], $8::int[], $9::timestamptz[], $10::timestamptz[])
  AS v(tenant_id, id, user_name, external_id, display_name, active, resource, version, created_at, last_modified)`;
