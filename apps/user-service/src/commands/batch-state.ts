import type { UserChanges } from './user-command-store';
import { StoredUser, userNameKey } from '../users/stored-user';

interface Entry {
  /** As read from the store; undefined for a user created in this batch. */
  original?: StoredUser;
  /** After the batch's commands so far; undefined once deleted. */
  current?: StoredUser;
}

/**
 * The users a batch of commands reads and writes, kept in memory so that each command sees the
 * effect of the ones before it (a tenant's commands apply in order) and the store is written
 * once per batch with the net result.
 */
export class BatchState {
  private readonly entries = new Map<string, Entry>();
  /** tenant + userName key → id of the user holding it, or null when known to be free. */
  private readonly owners = new Map<string, string | null>();

  constructor(private readonly lookupUserName: (tenantId: string, userName: string) => Promise<StoredUser | undefined>) {}

  /**
   * Adds what the store returned for a lookup. `askedNames` were looked up too: those no
   * returned user holds are free. Never overrides what this batch already changed.
   */
  learn(users: readonly StoredUser[], askedNames: ReadonlyArray<{ tenantId: string; userName: string }>): void {
    for (const user of users) {
      const key = entryKey(user.tenantId, user.id);
      if (!this.entries.has(key)) {
        this.entries.set(key, { original: user, current: user });
        const owner = ownerKey(user.tenantId, userNameOf(user));
        if (!this.owners.has(owner)) this.owners.set(owner, user.id);
      }
    }
    for (const { tenantId, userName } of askedNames) {
      const owner = ownerKey(tenantId, userName);
      if (!this.owners.has(owner)) this.owners.set(owner, null);
    }
  }

  get(tenantId: string, id: string): StoredUser | undefined {
    return this.entries.get(entryKey(tenantId, id))?.current;
  }

  /** Id of the tenant's user whose userName equals this one ignoring case, if any. */
  async ownerOf(tenantId: string, userName: string): Promise<string | undefined> {
    const key = ownerKey(tenantId, userName);
    if (!this.owners.has(key)) this.learn(compact([await this.lookupUserName(tenantId, userName)]), [{ tenantId, userName }]);
    return this.owners.get(key) ?? undefined;
  }

  /** Records a created user, or a new version of `previous`. */
  put(user: StoredUser, previous?: StoredUser): void {
    if (previous !== undefined) this.owners.set(ownerKey(previous.tenantId, userNameOf(previous)), null);
    this.owners.set(ownerKey(user.tenantId, userNameOf(user)), user.id);
    const key = entryKey(user.tenantId, user.id);
    const entry = this.entries.get(key) ?? {};
    entry.current = user;
    this.entries.set(key, entry);
  }

  remove(user: StoredUser): void {
    this.owners.set(ownerKey(user.tenantId, userNameOf(user)), null);
    const entry = this.entries.get(entryKey(user.tenantId, user.id));
    if (entry) entry.current = undefined;
  }

  /** The net effect: a user created and deleted within the batch leaves nothing to write. */
  changes(): UserChanges {
    const changes: UserChanges = { inserted: [], updated: [], deleted: [] };
    for (const { original, current } of this.entries.values()) {
      if (original && !current) changes.deleted.push({ tenantId: original.tenantId, id: original.id });
      else if (!original && current) changes.inserted.push(current);
      else if (original && current && original !== current) changes.updated.push(current);
    }
    return changes;
  }
}

function entryKey(tenantId: string, id: string): string {
  return `${tenantId}\u0000${id}`;
}

function ownerKey(tenantId: string, userName: string): string {
  return `${tenantId}\u0000${userNameKey(userName)}`;
}

function userNameOf(user: StoredUser): string {
  return String(user.resource.userName);
}

function compact<T>(items: Array<T | undefined>): T[] {
  return items.filter((item): item is T => item !== undefined);
}
