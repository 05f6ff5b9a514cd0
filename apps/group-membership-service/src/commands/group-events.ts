import { CLOUDEVENTS_CONTENT_TYPE, Headers, type GroupEvent, type GroupEventResource } from '@app/contracts';
import type { OutboxEntry } from '@app/messaging';
import type { JsonObject } from '@app/scim';

export const GROUP_EVENT_SOURCE = '/scim/group-membership-service';

export type GroupChange =
  | { type: 'scim.group.created' | 'scim.group.updated' | 'scim.group.deleted'; tenantId: string; groupId: string; resource: JsonObject; changedAttributes: string[] }
  | { type: 'scim.membership.added' | 'scim.membership.removed'; tenantId: string; groupId: string; memberIds: string[] };

/**
 * One CloudEvent per change, keyed by tenant and group so one group's events stay in commit
 * order. Group events carry the group without members; membership events carry the member ids
 * one command (or one user deletion) really added or removed.
 */
export function groupEventEntry(change: GroupChange, eventId: string, time: string): OutboxEntry<GroupEvent> {
  // The stored group (without members): SCIM validation and the decider made it a whole resource (schemas, id, displayName, meta).
  const data: GroupEvent['data'] =
    'memberIds' in change
      ? { groupId: change.groupId, memberIds: change.memberIds }
      : { resource: change.resource as GroupEventResource, changedAttributes: change.changedAttributes };
  return {
    key: `${change.tenantId}/${change.groupId}`,
    messageId: eventId,
    headers: { [Headers.contentType]: CLOUDEVENTS_CONTENT_TYPE },
    value: {
      specversion: '1.0',
      id: eventId,
      source: GROUP_EVENT_SOURCE,
      type: change.type,
      subject: change.groupId,
      time,
      datacontenttype: 'application/json',
      tenantid: change.tenantId,
      data,
    },
  };
}
