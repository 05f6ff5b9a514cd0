import { CLOUDEVENT_JSON_SCHEMA } from './cloudevent';

/**
 * JSON Schemas of the domain event topics, for downstream teams (also rendered into
 * docs/asyncapi.yaml and checked against it by a test). Consumers in this repo validate with them.
 */
const resourceChange = <const R extends object>(resourceSchema: R) =>
  ({
    type: 'object',
    required: ['resource', 'changedAttributes'],
    properties: {
      resource: resourceSchema,
      changedAttributes: {
        type: 'array',
        items: { type: 'string' },
        description: 'Attribute paths that changed, e.g. "name.givenName", "emails", or the URN-qualified path of an extension attribute.',
      },
    },
  }) as const;

const scimUser = {
  type: 'object',
  required: ['schemas', 'id', 'userName', 'meta'],
  properties: {
    schemas: { type: 'array', items: { type: 'string' }, minItems: 1 },
    id: { type: 'string', minLength: 1 },
    externalId: { type: 'string' },
    userName: { type: 'string', minLength: 1 },
    active: { type: 'boolean' },
    meta: {
      type: 'object',
      required: ['resourceType', 'created', 'lastModified', 'version'],
      properties: {
        resourceType: { const: 'User' },
        created: { type: 'string', format: 'date-time' },
        lastModified: { type: 'string', format: 'date-time' },
        version: { type: 'string' },
      },
    },
  },
  additionalProperties: true,
} as const;

export const USER_EVENT_JSON_SCHEMA = {
  ...CLOUDEVENT_JSON_SCHEMA,
  $id: 'https://scim-platform.local/schemas/scim.user-events.v1.json',
  title: 'scim.user-events.v1',
  properties: {
    ...CLOUDEVENT_JSON_SCHEMA.properties,
    type: { enum: ['scim.user.created', 'scim.user.updated', 'scim.user.deactivated', 'scim.user.reactivated', 'scim.user.deleted'] },
    source: { const: '/scim/user-service' },
    data: resourceChange(scimUser),
  },
} as const;

const scimGroup = {
  type: 'object',
  required: ['schemas', 'id', 'displayName', 'meta'],
  description: 'The group after the change, without members (they travel in scim.membership.* events).',
  properties: {
    schemas: { type: 'array', items: { type: 'string' }, minItems: 1 },
    id: { type: 'string', minLength: 1 },
    externalId: { type: 'string' },
    displayName: { type: 'string', minLength: 1 },
    meta: {
      type: 'object',
      required: ['resourceType', 'created', 'lastModified', 'version'],
      properties: {
        resourceType: { const: 'Group' },
        created: { type: 'string', format: 'date-time' },
        lastModified: { type: 'string', format: 'date-time' },
        version: { type: 'string' },
      },
    },
  },
  additionalProperties: true,
} as const;

export const MEMBERSHIP_CHANGE_JSON_SCHEMA = {
  type: 'object',
  required: ['groupId', 'memberIds'],
  description: 'Members added to or removed from one group by one command (or by one user deletion).',
  properties: {
    groupId: { type: 'string', minLength: 1 },
    memberIds: { type: 'array', items: { type: 'string' }, minItems: 1 },
  },
} as const;

export const GROUP_EVENT_JSON_SCHEMA = {
  ...CLOUDEVENT_JSON_SCHEMA,
  $id: 'https://scim-platform.local/schemas/scim.group-events.v1.json',
  title: 'scim.group-events.v1',
  properties: {
    ...CLOUDEVENT_JSON_SCHEMA.properties,
    type: { enum: ['scim.group.created', 'scim.group.updated', 'scim.group.deleted', 'scim.membership.added', 'scim.membership.removed'] },
    source: { const: '/scim/group-membership-service' },
    data: { anyOf: [resourceChange(scimGroup), MEMBERSHIP_CHANGE_JSON_SCHEMA] },
  },
} as const;
