import type { JsonObject } from '@app/scim';
import type { MemberJson, StoredGroup } from '../groups/stored-group';

export const GROUP_ROW_COLUMNS = `g.tenant_id, g.id::text AS id, g.managed, g.resource, g.version,
  to_char(g.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created,
  to_char(g.last_modified AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS last_modified`;

export interface GroupRow {
  tenant_id: string;
  id: string;
  managed: boolean;
  resource: JsonObject;
  version: number;
  created: string;
  last_modified: string;
}

export function toStoredGroup(row: GroupRow): StoredGroup {
  return { tenantId: row.tenant_id, id: row.id, managed: row.managed, resource: row.resource, version: row.version, created: row.created, lastModified: row.last_modified };
}

/** Members with the display name known_users holds (absent until the user's event arrived). */
export const MEMBERS_SQL = `SELECT m.group_id::text AS group_id, m.member_id::text AS value, k.display_name
  FROM memberships m
  LEFT JOIN known_users k ON k.tenant_id = m.tenant_id AND k.user_id = m.member_id
  WHERE m.tenant_id = $1 AND m.group_id = ANY($2::uuid[])
  ORDER BY m.group_id, m.member_id`;

export interface MemberRow {
  group_id: string;
  value: string;
  display_name: string | null;
}

export function toMember(row: MemberRow): MemberJson {
  return row.display_name === null ? { value: row.value, type: 'User' } : { value: row.value, display: row.display_name, type: 'User' };
}
