import type { GroupEvent } from '@app/contracts';
import type { ReplyLedger } from '@app/commands';
import type { OutboxEntry } from '@app/messaging';
import type { MemberJson, StoredGroup } from '../groups/stored-group';

/** The consumer names the processed message ids are recorded under. */
export const GROUP_COMMANDS_CONSUMER = 'group-membership-service.group-commands';
export const USER_EVENTS_CONSUMER = 'group-membership-service.user-events';

/**
 * What deciding a batch of group commands needs from the store, inside one transaction. Member
 * changes are set-based statements that return the ids they actually changed, so events carry
 * effective changes only and no member list is ever loaded to apply a PATCH.
 */
export interface GroupCommandTransaction {
  /** Claims and stored replies of the group commands (libs/commands). */
  readonly ledger: ReplyLedger;
  /** Records consumed messages (user events) as processed; returns the ids never seen before. */
  claim(consumer: string, messageIds: readonly string[]): Promise<Set<string>>;
  findGroup(tenantId: string, id: string): Promise<StoredGroup | undefined>;
  /** Id of a managed group of the tenant, other than `exceptId`, with this displayName ignoring case. */
  managedGroupNamed(tenantId: string, displayName: string, exceptId?: string): Promise<string | undefined>;
  insertGroup(group: StoredGroup): Promise<void>;
  updateGroup(group: StoredGroup): Promise<void>;
  deleteGroup(tenantId: string, id: string): Promise<void>;
  /** Of these ids, the ones that are groups of the tenant (nested groups are refused). */
  groupIdsAmong(tenantId: string, ids: readonly string[]): Promise<string[]>;
  /**
   * Of these ids, the users the user-service's events reported deleted. Registers unknown ids and
   * locks the rows, so a concurrent deletion is either seen here or removes the membership after.
   */
  deletedUsersAmong(tenantId: string, ids: readonly string[]): Promise<string[]>;
  /** Of these ids, the ones no user event (and no earlier confirmed membership) told us about. */
  unknownUsersAmong(tenantId: string, ids: readonly string[]): Promise<string[]>;
  /** Each returns the member ids it really added / removed. */
  addMembers(tenantId: string, groupId: string, ids: readonly string[]): Promise<string[]>;
  removeMembers(tenantId: string, groupId: string, ids: readonly string[]): Promise<string[]>;
  /** Of these ids, the group's members now (a read, for RFC 7644's noTarget before anything is written). */
  membersAmong(tenantId: string, groupId: string, ids: readonly string[]): Promise<string[]>;
  removeAllMembers(tenantId: string, groupId: string): Promise<string[]>;
  /** Removes every member not in `keep`. */
  removeMembersExcept(tenantId: string, groupId: string, keep: readonly string[]): Promise<string[]>;
  /** Members with their display names, for a reply that shows them. */
  membersOf(tenantId: string, groupId: string): Promise<MemberJson[]>;
  appendEvents(events: readonly OutboxEntry<GroupEvent>[]): Promise<void>;
  /** known_users upkeep from scim.user-events.v1. */
  upsertKnownUser(tenantId: string, userId: string, displayName: string | undefined, deleted: boolean): Promise<void>;
  /** Removes the user from every group of the tenant; returns the groups it left, each bumped to a new version. */
  removeUserFromAllGroups(tenantId: string, userId: string, now: string): Promise<string[]>;
}

export interface GroupCommandStore {
  inTransaction<T>(work: (tx: GroupCommandTransaction) => Promise<T>): Promise<T>;
}

export const GROUP_COMMAND_STORE = Symbol('GROUP_COMMAND_STORE');
