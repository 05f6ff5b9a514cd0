import type { CommandEnvelope } from './commands';
import type { PatchOperationJson, ResourceJson, Strictness } from './user-commands';

/**
 * Group commands (scim.group-commands.v1) and the group-membership-service's internal query API.
 * Groups have no tenant-specific schema (RFC 7643 §4.2 core only), so commands carry a small
 * scope instead of a SchemaProfile.
 */
export interface GroupScope {
  /**
   * True for tenants whose connector profile sets `managedResources` (Fulcrum): SCIM sees and
   * changes only groups it created ("managed"); groups the application owns stay invisible.
   */
  managedOnly: boolean;
  /** The tenant's RFC strictness (absent: `entra`); see SchemaProfile.strictness. */
  strictness?: Strictness;
}

export interface CreateGroupPayload {
  scope: GroupScope;
  /** Body validated by the gateway; `members` entries carry at least `value`. */
  resource: ResourceJson;
  /** False for an application-owned group created through the admin API (default true). */
  managed?: boolean;
}

export interface ReplaceGroupPayload {
  scope: GroupScope;
  id: string;
  resource: ResourceJson;
  ifMatch?: string;
}

export interface PatchGroupPayload {
  scope: GroupScope;
  id: string;
  operations: PatchOperationJson[];
  ifMatch?: string;
}

export interface DeleteGroupPayload {
  scope: GroupScope;
  id: string;
  ifMatch?: string;
}

/**
 * A user of the tenant was deleted (the user-service decided it): it leaves every group now, so
 * the gateway answers the DELETE's 204 only once no group lists it (docs/scim.md). The same
 * cleanup runs again, finding nothing, when the user's scim.user.deleted event arrives.
 */
export interface MemberDeletedPayload {
  userId: string;
}

export type CreateGroupCommand = CommandEnvelope<'group.create', CreateGroupPayload>;
export type ReplaceGroupCommand = CommandEnvelope<'group.replace', ReplaceGroupPayload>;
export type PatchGroupCommand = CommandEnvelope<'group.patch', PatchGroupPayload>;
export type DeleteGroupCommand = CommandEnvelope<'group.delete', DeleteGroupPayload>;
export type MemberDeletedCommand = CommandEnvelope<'group.member-deleted', MemberDeletedPayload>;
export type GroupCommandOf = CreateGroupCommand | ReplaceGroupCommand | PatchGroupCommand | DeleteGroupCommand | MemberDeletedCommand;

/** Paths of the group-membership-service's internal query API, relative to its base URL. */
export const GroupQueryRoutes = {
  /** GET ?excludeMembers=true&managedOnly=true → 200 StoredResource, or 404. */
  byId: (tenantId: string, id: string) => `/internal/v1/tenants/${encodeURIComponent(tenantId)}/groups/${encodeURIComponent(id)}`,
  /** POST GroupQuery → 200 ResourcePage, or 400 with a SCIM error body. */
  query: (tenantId: string) => `/internal/v1/tenants/${encodeURIComponent(tenantId)}/groups/query`,
  /** GET ?managedOnly=true → 200 { groups: UserGroupRef[] }: the groups a user is a direct member of. */
  groupsOfUser: (tenantId: string, userId: string) =>
    `/internal/v1/tenants/${encodeURIComponent(tenantId)}/users/${encodeURIComponent(userId)}/groups`,
  /** POST { userIds, scope } → 200 { groups: { [userId]: UserGroupRef[] } }: User.groups for a page of users. */
  groupsOfUsers: (tenantId: string) => `/internal/v1/tenants/${encodeURIComponent(tenantId)}/users/groups`,
} as const;

export interface GroupQuery {
  scope: GroupScope;
  filter?: string;
  startIndex: number;
  count: number;
  /** True when the client excluded `members`: member rows are then never read. */
  excludeMembers?: boolean;
}

/** One entry of a User's read-only `groups` attribute (RFC 7643 §4.1.2), without `$ref`. */
export interface UserGroupRef {
  value: string;
  display?: string;
}
