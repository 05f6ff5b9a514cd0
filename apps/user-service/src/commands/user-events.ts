import { CLOUDEVENTS_CONTENT_TYPE, Headers, type UserEvent, type UserEventResource } from '@app/contracts';
import type { OutboxEntry } from '@app/messaging';
import type { UserChange } from './user-decider';

export const USER_EVENT_SOURCE = '/scim/user-service';

/**
 * One CloudEvent (structured mode, Kafka binding §3.2) per accepted change. Keyed by tenant and
 * user, so every event of one user lands on one partition, in the order the changes committed.
 */
export function userEventEntry(change: UserChange, eventId: string, time: string): OutboxEntry<UserEvent> {
  return {
    key: `${change.tenantId}/${change.userId}`,
    messageId: eventId,
    headers: { [Headers.contentType]: CLOUDEVENTS_CONTENT_TYPE },
    value: {
      specversion: '1.0',
      id: eventId,
      source: USER_EVENT_SOURCE,
      type: change.type,
      subject: change.userId,
      time,
      datacontenttype: 'application/json',
      tenantid: change.tenantId,
      // The stored user: SCIM validation and the decider made it a whole resource (schemas, id, userName, meta).
      data: { resource: change.resource as UserEventResource, changedAttributes: change.changedAttributes },
    },
  };
}
