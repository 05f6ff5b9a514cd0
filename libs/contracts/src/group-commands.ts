import type { FromSchema } from 'json-schema-to-ts';
import { internalBodySchema, internalRoute } from './internal-routes';
import { SCHEMA_PROFILE_JSON_SCHEMA } from './user-commands';
import { ADDRESSED, commandSchema, PATCH_OPERATIONS_JSON_SCHEMA, payloadSchema, RESOURCE_ID_JSON_SCHEMA, RESOURCE_JSON_SCHEMA } from './commands';

/**
 * Group commands (scim.group-commands.v1) and the group-membership-service's internal query API.
 * Groups have no tenant-specific schema (RFC 7643 §4.2 core only), so commands carry a small
 * scope instead of a SchemaProfile.
 */
export const GROUP_SCOPE_JSON_SCHEMA = {
  type: 'object',
  required: ['managedOnly'],
  additionalProperties: false,
  properties: {
    /**
     * True for tenants whose connector profile sets `managedResources` (Fulcrum): SCIM sees and
     * changes only groups it created ("managed"); groups the application owns stay invisible.
     */
    managedOnly: { type: 'boolean' },
    /** The tenant's RFC strictness (absent: `entra`); see SchemaProfile.strictness. */
    strictness: SCHEMA_PROFILE_JSON_SCHEMA.properties.strictness,
  },
} as const;
export type GroupScope = FromSchema<typeof GROUP_SCOPE_JSON_SCHEMA>;

/** The commands of scim.group-commands.v1, one schema each; `resource` members carry at least `value`. */
export const GROUP_COMMAND_JSON_SCHEMAS = {
  /** `managed: false` for an application-owned group created through the admin API (default true). */
  create: commandSchema('group.create', payloadSchema({ scope: GROUP_SCOPE_JSON_SCHEMA, resource: RESOURCE_JSON_SCHEMA, managed: { type: 'boolean' } }, ['scope', 'resource'])),
  replace: commandSchema('group.replace', payloadSchema({ scope: GROUP_SCOPE_JSON_SCHEMA, ...ADDRESSED, resource: RESOURCE_JSON_SCHEMA }, ['scope', 'id', 'resource'])),
  patch: commandSchema('group.patch', payloadSchema({ scope: GROUP_SCOPE_JSON_SCHEMA, ...ADDRESSED, operations: PATCH_OPERATIONS_JSON_SCHEMA }, ['scope', 'id', 'operations'])),
  delete: commandSchema('group.delete', payloadSchema({ scope: GROUP_SCOPE_JSON_SCHEMA, ...ADDRESSED }, ['scope', 'id'])),
  /**
   * A user of the tenant was deleted (the user-service decided it): it leaves every group now, so
   * the gateway answers the DELETE's 204 only once no group lists it (docs/scim.md). The same
   * cleanup runs again, finding nothing, when the user's scim.user.deleted event arrives.
   */
  memberDeleted: commandSchema('group.member-deleted', payloadSchema({ userId: RESOURCE_ID_JSON_SCHEMA }, ['userId'])),
} as const;

/** What consumers of scim.group-commands.v1 validate each record against: exactly one of the commands. */
export const GROUP_COMMAND_JSON_SCHEMA = {
  $id: 'https://scim-platform.local/schemas/scim.group-commands.v1.json',
  title: 'scim.group-commands.v1',
  oneOf: [
    GROUP_COMMAND_JSON_SCHEMAS.create,
    GROUP_COMMAND_JSON_SCHEMAS.replace,
    GROUP_COMMAND_JSON_SCHEMAS.patch,
    GROUP_COMMAND_JSON_SCHEMAS.delete,
    GROUP_COMMAND_JSON_SCHEMAS.memberDeleted,
  ],
} as const;

/** Any group command on the wire; `payload` follows from `type`. */
export type GroupCommand = FromSchema<typeof GROUP_COMMAND_JSON_SCHEMA>;
export type GroupCommandType = GroupCommand['type'];
export type GroupCommandOf<T extends GroupCommandType> = Extract<GroupCommand, { type: T }>;
export type CreateGroupPayload = GroupCommandOf<'group.create'>['payload'];
export type ReplaceGroupPayload = GroupCommandOf<'group.replace'>['payload'];
export type PatchGroupPayload = GroupCommandOf<'group.patch'>['payload'];
export type DeleteGroupPayload = GroupCommandOf<'group.delete'>['payload'];
export type MemberDeletedPayload = GroupCommandOf<'group.member-deleted'>['payload'];

/** The group-membership-service's internal query API (HTTP, gateway → service, not exposed to tenants). */
export const GroupQueryRoutes = {
  /** GET ?excludeMembers=true&managedOnly=true → 200 StoredResource, or 404. */
  byId: internalRoute('GET', '/internal/v1/tenants/:tenantId/groups/:id'),
  /** POST GroupQuery → 200 ResourcePage, or 400 with a SCIM error body. */
  query: internalRoute('POST', '/internal/v1/tenants/:tenantId/groups/query'),
  /** POST GroupsOfUsersQuery → 200 { groups: { [userId]: UserGroupRef[] } }: User.groups for a page of users. */
  groupsOfUsers: internalRoute('POST', '/internal/v1/tenants/:tenantId/users/groups'),
} as const;

/** Body of GroupQueryRoutes.query: GET /Groups and POST /Groups/.search as the gateway forwards them. */
export const GROUP_QUERY_JSON_SCHEMA = {
  type: 'object',
  required: ['scope', 'startIndex', 'count'],
  additionalProperties: false,
  properties: {
    scope: GROUP_SCOPE_JSON_SCHEMA,
    filter: { type: 'string' },
    startIndex: { type: 'integer' },
    count: { type: 'integer' },
    sortBy: { type: 'string' },
    sortOrder: { enum: ['ascending', 'descending'] },
    /** True when the client excluded `members`: member rows are then never read. */
    excludeMembers: { type: 'boolean' },
  },
} as const;
export type GroupQuery = FromSchema<typeof GROUP_QUERY_JSON_SCHEMA>;
export const GroupQueryBody = internalBodySchema(GROUP_QUERY_JSON_SCHEMA);

/** Body of GroupQueryRoutes.groupsOfUsers: at most one page of users. */
export const GROUPS_OF_USERS_JSON_SCHEMA = {
  type: 'object',
  required: ['userIds', 'scope'],
  additionalProperties: false,
  properties: { userIds: { type: 'array', maxItems: 1000, items: { type: 'string' } }, scope: GROUP_SCOPE_JSON_SCHEMA },
} as const;
export type GroupsOfUsersQuery = FromSchema<typeof GROUPS_OF_USERS_JSON_SCHEMA>;
export const GroupsOfUsersBody = internalBodySchema(GROUPS_OF_USERS_JSON_SCHEMA);

/** One entry of a User's read-only `groups` attribute (RFC 7643 §4.1.2), without `$ref`. */
export interface UserGroupRef {
  value: string;
  display?: string;
}
