import type { FromSchema } from 'json-schema-to-ts';
import { internalBodySchema, internalRoute } from './internal-routes';
import { ADDRESSED, commandSchema, PATCH_OPERATION_JSON_SCHEMA, PATCH_OPERATIONS_JSON_SCHEMA, payloadSchema, RESOURCE_JSON_SCHEMA } from './commands';

/**
 * What a tenant's connector profile decides about its User schema. The gateway puts it in every
 * command, so the owning service applies the tenant's rules without reading the tenant registry.
 */
export const SCHEMA_PROFILE_JSON_SCHEMA = {
  type: 'object',
  required: ['extensions', 'mutabilityOverrides', 'unknownAttributes'],
  additionalProperties: false,
  properties: {
    /** Extension schema URNs enabled for the tenant's Users (enterprise, Genesys, ...). */
    extensions: { type: 'array', items: { type: 'string' } },
    /** Attribute path → mutability that differs from RFC 7643 (e.g. `entitlements: immutable` = create-only). */
    mutabilityOverrides: { type: 'object', additionalProperties: { enum: ['readOnly', 'readWrite', 'immutable', 'writeOnly'] } },
    /** `ignore`: unknown attributes are dropped and reported; `strict`: refused with 400. */
    unknownAttributes: { enum: ['ignore', 'strict'] },
    /**
     * `entra` (absent: the same): Microsoft Entra's dialect is accepted ("True" strings, a filtered
     * replace matching nothing adds an entry, a filtered remove matching nothing is a no-op).
     * `rfc7644`: RFC 7644 as written (400 invalidValue, noTarget).
     */
    strictness: { enum: ['entra', 'rfc7644'] },
    /**
     * The tenant's own User extension schemas, as /Schemas publishes them (RFC 7643 §7: id, name,
     * attributes with their characteristics); each is enabled by being defined. The receiving
     * service validates them again (libs/scim custom-schema.ts).
     */
    customSchemas: { type: 'array', maxItems: 10, items: { type: 'object' } },
  },
} as const;
export type SchemaProfile = FromSchema<typeof SCHEMA_PROFILE_JSON_SCHEMA>;

/** A SCIM resource as JSON. */
export type ResourceJson = FromSchema<typeof RESOURCE_JSON_SCHEMA>;

/** One PATCH operation after the gateway normalised Entra's dialect (RFC 7644 §3.5.2). */
export type PatchOperationJson = FromSchema<typeof PATCH_OPERATION_JSON_SCHEMA>;

/** The commands of scim.user-commands.v1, one schema each; `resource` is validated by the gateway (schemas, types, required attributes; no id or meta). */
export const USER_COMMAND_JSON_SCHEMAS = {
  create: commandSchema('user.create', payloadSchema({ profile: SCHEMA_PROFILE_JSON_SCHEMA, resource: RESOURCE_JSON_SCHEMA }, ['profile', 'resource'])),
  replace: commandSchema('user.replace', payloadSchema({ profile: SCHEMA_PROFILE_JSON_SCHEMA, ...ADDRESSED, resource: RESOURCE_JSON_SCHEMA }, ['profile', 'id', 'resource'])),
  patch: commandSchema(
    'user.patch',
    payloadSchema({ profile: SCHEMA_PROFILE_JSON_SCHEMA, ...ADDRESSED, operations: PATCH_OPERATIONS_JSON_SCHEMA }, ['profile', 'id', 'operations']),
  ),
  delete: commandSchema('user.delete', payloadSchema({ ...ADDRESSED }, ['id'])),
} as const;

/** What consumers of scim.user-commands.v1 validate each record against: exactly one of the commands. */
export const USER_COMMAND_JSON_SCHEMA = {
  $id: 'https://scim-platform.local/schemas/scim.user-commands.v1.json',
  title: 'scim.user-commands.v1',
  oneOf: [USER_COMMAND_JSON_SCHEMAS.create, USER_COMMAND_JSON_SCHEMAS.replace, USER_COMMAND_JSON_SCHEMAS.patch, USER_COMMAND_JSON_SCHEMAS.delete],
} as const;

/** Any user command on the wire; `payload` follows from `type`. */
export type UserCommand = FromSchema<typeof USER_COMMAND_JSON_SCHEMA>;
export type UserCommandType = UserCommand['type'];
/** The command of one type, e.g. `UserCommandOf<'user.patch'>`. */
export type UserCommandOf<T extends UserCommandType> = Extract<UserCommand, { type: T }>;
export type CreateUserPayload = UserCommandOf<'user.create'>['payload'];
export type ReplaceUserPayload = UserCommandOf<'user.replace'>['payload'];
export type PatchUserPayload = UserCommandOf<'user.patch'>['payload'];
export type DeleteUserPayload = UserCommandOf<'user.delete'>['payload'];

/**
 * The user-service's internal query API (HTTP, not exposed to tenants), used by the gateway for
 * GET, list and .search. Paths are relative to the service's base URL.
 */
export const UserQueryRoutes = {
  /** GET → 200 StoredResource, or 404. */
  byId: internalRoute('GET', '/internal/v1/tenants/:tenantId/users/:id'),
  /** POST ResourceQuery → 200 ResourcePage, or 400 with a SCIM error body. */
  query: internalRoute('POST', '/internal/v1/tenants/:tenantId/users/query'),
  /** POST UserIds → 200 UserIds: which of these ids are users of the tenant now. */
  existing: internalRoute('POST', '/internal/v1/tenants/:tenantId/users/existing'),
} as const;

/** Body of UserQueryRoutes.existing, and its answer. */
export const USER_IDS_JSON_SCHEMA = {
  type: 'object',
  required: ['ids'],
  additionalProperties: false,
  properties: { ids: { type: 'array', maxItems: 10_000, items: { type: 'string' } } },
} as const;
export type UserIds = FromSchema<typeof USER_IDS_JSON_SCHEMA>;
export const UserIdsBody = internalBodySchema(USER_IDS_JSON_SCHEMA);

/** Body of UserQueryRoutes.query: GET /Users and POST /Users/.search as the gateway forwards them. */
export const RESOURCE_QUERY_JSON_SCHEMA = {
  type: 'object',
  required: ['profile', 'startIndex', 'count'],
  additionalProperties: false,
  properties: {
    profile: SCHEMA_PROFILE_JSON_SCHEMA,
    /** RFC 7644 filter text; the service parses and validates it again and translates it to SQL. */
    filter: { type: 'string' },
    /** 1-based; the service checks the page as the gateway does (parsePagination). */
    startIndex: { type: 'integer' },
    count: { type: 'integer' },
    sortBy: { type: 'string' },
    sortOrder: { enum: ['ascending', 'descending'] },
  },
} as const;
export type ResourceQuery = FromSchema<typeof RESOURCE_QUERY_JSON_SCHEMA>;
export const ResourceQueryBody = internalBodySchema(RESOURCE_QUERY_JSON_SCHEMA);

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
