import type { UserEvent } from '@app/contracts';
import type { ReplyLedger } from '@app/commands';
import type { OutboxEntry } from '@app/messaging';
import type { StoredUser } from '../users/stored-user';

/** What a batch of commands needs from the store, inside one transaction. */
export interface UserCommandTransaction {
  /** Claims and stored replies of the user commands (libs/commands). */
  readonly ledger: ReplyLedger;
  /** The users of each tenant with one of the ids, or a userName equal to one given ignoring case. */
  loadUsers(lookups: readonly UserLookup[]): Promise<StoredUser[]>;
  findByUserName(tenantId: string, userName: string): Promise<StoredUser | undefined>;
  /**
   * Ids of the tenant's users (at most `limit`) whose extension attribute `<schemaUrn>:<name>`
   * is this single value, compared as text (ignoring case unless `caseExact`).
   */
  idsWithExtensionValue(tenantId: string, value: ExtensionValue, limit: number): Promise<string[]>;
  /**
   * Writes the batch's net effect on users. Throws UserNameTaken when the store's uniqueness
   * rule refuses a userName; with `recoverable`, the transaction stays usable afterwards.
   */
  saveUsers(changes: UserChanges, options: { recoverable: boolean }): Promise<void>;
  appendEvents(events: readonly OutboxEntry<UserEvent>[]): Promise<void>;
}

export interface UserCommandStore {
  inTransaction<T>(work: (tx: UserCommandTransaction) => Promise<T>): Promise<T>;
}

export const USER_COMMAND_STORE = Symbol('USER_COMMAND_STORE');

export interface UserLookup {
  tenantId: string;
  ids: string[];
  userNames: string[];
}

export interface ExtensionValue {
  schemaUrn: string;
  name: string;
  value: string | number;
  caseExact: boolean;
}

export interface UserChanges {
  inserted: StoredUser[];
  updated: StoredUser[];
  deleted: Array<Pick<StoredUser, 'tenantId' | 'id'>>;
}

export class UserNameTaken extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'UserNameTaken';
  }
}
