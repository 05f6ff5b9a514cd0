import type { CommandReply, UserEvent } from '@app/contracts';
import type { OutboxEntry } from '@app/messaging';
import { ExtensionValue, UserChanges, UserCommandStore, UserCommandTransaction, UserLookup, UserNameTaken } from '../user-command-store';
import type { CommandKey, OutgoingReply, ReplyLedger, ReplySender } from '@app/commands';
import { StoredUser } from '../../users/stored-user';

interface State {
  users: Map<string, StoredUser>;
  processed: Set<string>;
  replies: Map<string, CommandReply>;
  outbox: OutboxEntry<UserEvent>[];
}

/**
 * In-memory store with the real one's transaction semantics: work sees a copy, which replaces
 * the committed state only when the work succeeds. Its userName rule is the unique index's.
 */
export class FakeUserCommandStore implements UserCommandStore {
  state: State = { users: new Map(), processed: new Set(), replies: new Map(), outbox: [] };
  transactions = 0;
  /** Next saveUsers throws this (an infrastructure failure). */
  failNextSave?: Error;
  /** userName keys the "database" holds besides the users map (a concurrent writer). */
  readonly takenElsewhere = new Set<string>();

  async inTransaction<T>(work: (tx: UserCommandTransaction) => Promise<T>): Promise<T> {
    this.transactions += 1;
    const copy: State = {
      users: new Map(this.state.users),
      processed: new Set(this.state.processed),
      replies: new Map(this.state.replies),
      outbox: [...this.state.outbox],
    };
    const result = await work(new FakeTransaction(copy, this));
    this.state = copy;
    return result;
  }

  users(): StoredUser[] {
    return [...this.state.users.values()];
  }

  events(): UserEvent[] {
    return this.state.outbox.map((e) => e.value);
  }
}

class FakeTransaction implements UserCommandTransaction {
  readonly ledger: ReplyLedger = {
    claim: (commands) => this.claim(commands),
    storedReplies: (commands) => this.storedReplies(commands),
    saveReplies: (replies) => this.saveReplies(replies),
  };

  constructor(
    private readonly state: State,
    private readonly store: FakeUserCommandStore,
  ) {}

  async claim(commands: readonly CommandKey[]): Promise<Set<string>> {
    const fresh = new Set<string>();
    for (const { commandId } of commands) {
      if (!this.state.processed.has(commandId)) fresh.add(commandId);
      this.state.processed.add(commandId);
    }
    return fresh;
  }

  async storedReplies(commands: readonly CommandKey[]): Promise<Map<string, CommandReply>> {
    return new Map(commands.flatMap((c) => (this.state.replies.has(c.commandId) ? [[c.commandId, this.state.replies.get(c.commandId)!] as const] : [])));
  }

  async loadUsers(lookups: readonly UserLookup[]): Promise<StoredUser[]> {
    return [...this.state.users.values()].filter((u) =>
      lookups.some((l) => l.tenantId === u.tenantId && (l.ids.includes(u.id) || l.userNames.some((n) => n.toLowerCase() === String(u.resource.userName).toLowerCase()))),
    );
  }

  async findByUserName(tenantId: string, userName: string): Promise<StoredUser | undefined> {
    return [...this.state.users.values()].find((u) => u.tenantId === tenantId && String(u.resource.userName).toLowerCase() === userName.toLowerCase());
  }

  async idsWithExtensionValue(tenantId: string, value: ExtensionValue, limit: number): Promise<string[]> {
    const same = (v: unknown) => v !== undefined && (value.caseExact ? String(v) === String(value.value) : String(v).toLowerCase() === String(value.value).toLowerCase());
    return [...this.state.users.values()]
      .filter((u) => u.tenantId === tenantId && same((u.resource[value.schemaUrn] as Record<string, unknown> | undefined)?.[value.name]))
      .slice(0, limit)
      .map((u) => u.id);
  }

  async saveUsers(changes: UserChanges, _options: { recoverable: boolean }): Promise<void> {
    if (this.store.failNextSave) {
      const error = this.store.failNextSave;
      this.store.failNextSave = undefined;
      throw error;
    }
    const next = new Map(this.state.users);
    for (const d of changes.deleted) next.delete(`${d.tenantId}/${d.id}`);
    for (const u of [...changes.updated, ...changes.inserted]) next.set(`${u.tenantId}/${u.id}`, u);
    const keys = new Set<string>();
    for (const u of next.values()) {
      const key = `${u.tenantId}/${String(u.resource.userName).toLowerCase()}`;
      if (keys.has(key) || this.store.takenElsewhere.has(key)) throw new UserNameTaken(`duplicate key ${key}`);
      keys.add(key);
    }
    this.state.users.clear();
    for (const [k, v] of next) this.state.users.set(k, v);
  }

  async saveReplies(replies: readonly CommandReply[]): Promise<void> {
    for (const r of replies) this.state.replies.set(r.commandId, r);
  }

  async appendEvents(events: readonly OutboxEntry<UserEvent>[]): Promise<void> {
    this.state.outbox.push(...events);
  }
}

export class FakeReplySender implements ReplySender {
  readonly sent: OutgoingReply[] = [];

  async publish(replies: readonly OutgoingReply[]): Promise<void> {
    this.sent.push(...replies);
  }
}
