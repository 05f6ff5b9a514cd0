import type { FromSchema } from 'json-schema-to-ts';
import type { GROUP_EVENT_JSON_SCHEMA, MEMBERSHIP_CHANGE_JSON_SCHEMA, USER_EVENT_JSON_SCHEMA } from './event-schemas';

/**
 * The domain events' types, derived from their JSON Schemas (event-schemas.ts) — one source: what
 * the schema allows is what the type says.
 */
export type UserEvent = FromSchema<typeof USER_EVENT_JSON_SCHEMA>;
export type GroupEvent = FromSchema<typeof GROUP_EVENT_JSON_SCHEMA>;

export type UserEventType = UserEvent['type'];
export type GroupEventType = GroupEvent['type'];

/** Membership events batch the member ids changed by one command. */
export type MembershipChange = FromSchema<typeof MEMBERSHIP_CHANGE_JSON_SCHEMA>;

/** The resource a user or group event carries. */
export type UserEventResource = UserEvent['data']['resource'];
export type GroupEventResource = Exclude<GroupEvent['data'], MembershipChange>['resource'];

/** Payload of a resource's event: the resource after the change and the attribute paths that changed. */
export type ResourceChange = UserEvent['data'] | Exclude<GroupEvent['data'], MembershipChange>;
