import { CloudEvent } from './cloudevent';

/** Payload of every domain event: the resource after the change and the attribute paths that changed. */
export interface ResourceChange<TResource = Record<string, unknown>> {
  resource: TResource;
  changedAttributes: string[];
}

export type UserEventType = 'scim.user.created' | 'scim.user.updated' | 'scim.user.deactivated' | 'scim.user.reactivated' | 'scim.user.deleted';

export type GroupEventType = 'scim.group.created' | 'scim.group.updated' | 'scim.group.deleted' | 'scim.membership.added' | 'scim.membership.removed';

export type UserEvent = CloudEvent<UserEventType, ResourceChange>;
export type GroupEvent = CloudEvent<GroupEventType, ResourceChange | MembershipChange>;

/** Membership events batch the member ids changed by one command. */
export interface MembershipChange {
  groupId: string;
  memberIds: string[];
}
