import type { ExtensionValue, UserChanges } from './user-command-store';
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

  constructor(
    private readonly lookupUserName: (tenantId: string, userName: string) => Promise<StoredUser | undefined>,
    private readonly lookupExtensionValue: (tenantId: string, value: ExtensionValue, limit: number) => Promise<string[]> = async () => [],
  ) {}

  /**
   * Id of another of the tenant's users holding this unique extension value (RFC 7643 §2.2
   * uniqueness "server"), as the batch has left them: users this batch read or wrote are judged
   * by their state in memory, the others by the store.
   */
  async holderOfExtensionValue(tenantId: string, value: ExtensionValue, exceptId: string): Promise<string | undefined> {
    const same = (v: unknown) =>
      (typeof v === 'string' || typeof v === 'number') && (value.caseExact ? String(v) === String(value.value) : String(v).toLowerCase() === String(value.value).toLowerCase());
    for (const [key, entry] of this.entries) {
      const user = entry.current;
      if (!user || user.tenantId !== tenantId || user.id === exceptId || !key.startsWith(`${tenantId}\u0000`)) continue;
      if (same(extensionValueOf(user, value))) return user.id;
    }
    // The batch knows the current state of the users it holds: stored values of those do not count.
    const stored = await this.lookupExtensionValue(tenantId, value, this.entries.size + 2);
    return stored.find((id) => id !== exceptId && !this.entries.has(entryKey(tenantId, id)));
  }

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

function extensionValueOf(user: StoredUser, value: ExtensionValue): unknown {
  const section = user.resource[value.schemaUrn];
  return typeof section === 'object' && section !== null && !Array.isArray(section) ? (section as Record<string, unknown>)[value.name] : undefined;
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
