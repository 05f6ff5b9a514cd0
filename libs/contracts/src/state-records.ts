import type { FromSchema } from 'json-schema-to-ts';
import type { GroupEvent, MembershipChange, ResourceChange, UserEvent } from './events';
import { Topics } from './topics';

/**
 * Current-state records of the compacted state topics (scim.user-state.v1, scim.group-state.v1).
 *
 * They are derived from the domain events, one event at a time, by the outbox relay that publishes
 * the event (libs/messaging OutboxRelay), in the same Kafka transaction: a state record exists if
 * and only if its event does. Both carry the `outbox-sequence` header, so a subscriber that read a
 * key's state knows which of that key's events it already covers. A deletion (or a membership's
 * removal) is a tombstone: the key with a null value, the sequence still in its headers. The
 * value types follow from STATE_RECORD_JSON_SCHEMA below.
 */
export type StateRecordValue = FromSchema<typeof STATE_RECORD_JSON_SCHEMA>;

/**
 * A user's or group's latest state: the resource as its latest event carried it (a group without
 * members: see MembershipState), with the CloudEvents id, type and time of that event.
 */
export type ResourceState = Extract<StateRecordValue, { kind: 'User' | 'Group' }>;

/** One member of one group. Keyed `tenant/group id/member id`, so each membership compacts on its own. */
export type MembershipState = Extract<StateRecordValue, { kind: 'Membership' }>;

/** A record for a state topic; `value: null` is a tombstone. */
export interface StateRecord {
  topic: typeof Topics.userState | typeof Topics.groupState;
  key: string;
  value: StateRecordValue | null;
}

/** Which state topic follows which event topic. */
export const STATE_TOPIC_OF: Readonly<Record<string, StateRecord['topic']>> = {
  [Topics.userEvents]: Topics.userState,
  [Topics.groupEvents]: Topics.groupState,
};

export function userStateKey(tenantId: string, userId: string): string {
  return `${tenantId}/${userId}`;
}

export function groupStateKey(tenantId: string, groupId: string): string {
  return `${tenantId}/${groupId}`;
}

export function membershipStateKey(tenantId: string, groupId: string, memberId: string): string {
  return `${tenantId}/${groupId}/${memberId}`;
}

/**
 * The state records that one event of `topic` implies, in the order they must be written.
 * Pure: everything comes from the event. Topics without a state topic give none.
 *
 * A group's deletion tombstones the group only: the event does not list the members it had, so
 * their membership records stay until they are removed; a subscriber treats a membership whose
 * group has no state as ended (docs/consumers.md).
 */
export function stateRecordsOf(topic: string, event: unknown): StateRecord[] {
  const stateTopic = STATE_TOPIC_OF[topic];
  if (stateTopic === undefined || !isEnvelope(event)) return [];
  const envelope = { eventId: event.id, eventType: event.type, time: event.time };
  if (stateTopic === Topics.userState) {
    const { resource } = (event as UserEvent).data;
    const id = event.subject;
    const key = userStateKey(event.tenantid, id);
    if (event.type === 'scim.user.deleted') return [{ topic: stateTopic, key, value: null }];
    return [{ topic: stateTopic, key, value: { kind: 'User', tenantId: event.tenantid, id, resource, ...envelope } }];
  }
  const groupEvent = event as GroupEvent;
  if (groupEvent.type === 'scim.membership.added' || groupEvent.type === 'scim.membership.removed') {
    const { groupId, memberIds } = groupEvent.data as MembershipChange;
    const added = groupEvent.type === 'scim.membership.added';
    return memberIds.map((memberId) => ({
      topic: stateTopic,
      key: membershipStateKey(event.tenantid, groupId, memberId),
      value: added ? { kind: 'Membership', tenantId: event.tenantid, groupId, memberId, ...envelope } : null,
    }));
  }
  const { resource } = groupEvent.data as ResourceChange;
  const key = groupStateKey(event.tenantid, event.subject);
  if (groupEvent.type === 'scim.group.deleted') return [{ topic: stateTopic, key, value: null }];
  return [{ topic: stateTopic, key, value: { kind: 'Group', tenantId: event.tenantid, id: event.subject, resource, ...envelope } }];
}

function isEnvelope(event: unknown): event is { id: string; type: string; time: string; subject: string; tenantid: string; data: unknown } {
  if (typeof event !== 'object' || event === null) return false;
  const e = event as Record<string, unknown>;
  return ['id', 'type', 'time', 'subject', 'tenantid'].every((k) => typeof e[k] === 'string') && typeof e.data === 'object' && e.data !== null;
}

const envelopeProperties = {
  tenantId: { type: 'string', minLength: 1 },
  eventId: { type: 'string', minLength: 1, description: 'CloudEvents id of the event this state follows.' },
  eventType: { type: 'string', minLength: 1 },
  time: { type: 'string', format: 'date-time' },
} as const;

/** JSON Schema of a state record's value (tombstones have none). Published for downstream teams. */
export const STATE_RECORD_JSON_SCHEMA = {
  $id: 'https://scim-platform.local/schemas/state-record.json',
  title: 'state record (scim.user-state.v1, scim.group-state.v1)',
  oneOf: [
    {
      type: 'object',
      required: ['kind', 'tenantId', 'id', 'resource', 'eventId', 'eventType', 'time'],
      properties: { kind: { enum: ['User', 'Group'] }, id: { type: 'string', minLength: 1 }, resource: { type: 'object' }, ...envelopeProperties },
    },
    {
      type: 'object',
      required: ['kind', 'tenantId', 'groupId', 'memberId', 'eventId', 'eventType', 'time'],
      properties: { kind: { const: 'Membership' }, groupId: { type: 'string', minLength: 1 }, memberId: { type: 'string', minLength: 1 }, ...envelopeProperties },
    },
  ],
} as const;
