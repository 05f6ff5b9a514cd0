import type { CommandReply, GroupEvent } from '@app/contracts';
import type { OutboxEntry } from '@app/messaging';
import { GROUP_COMMANDS_CONSUMER, type GroupCommandStore, type GroupCommandTransaction } from '../group-command-store';
import type { OutgoingReply, ReplyLedger, ReplySender } from '@app/commands';
import type { MemberJson, StoredGroup } from '../../groups/stored-group';

/** The store in memory, with the semantics of the SQL (set operations returning what changed). */
export class FakeGroupCommandStore implements GroupCommandStore, GroupCommandTransaction {
  readonly claimed = new Set<string>();
  readonly groups = new Map<string, StoredGroup>();
  readonly members = new Map<string, Set<string>>();
  readonly knownUsers = new Map<string, { display?: string; deleted: boolean }>();
  readonly replies = new Map<string, CommandReply>();
  readonly events: GroupEvent[] = [];
  readonly ledger: ReplyLedger = {
    claim: (commands) =>
      this.claim(
        GROUP_COMMANDS_CONSUMER,
        commands.map((c) => c.commandId),
      ),
    storedReplies: async (commands) => this.storedReplies(commands.map((c) => c.commandId)),
    saveReplies: (replies) => this.saveReplies(replies),
  };

  inTransaction<T>(work: (tx: GroupCommandTransaction) => Promise<T>): Promise<T> {
    return work(this);
  }

  async claim(consumer: string, ids: readonly string[]): Promise<Set<string>> {
    const fresh = new Set<string>();
    for (const id of ids) {
      if (this.claimed.has(`${consumer}/${id}`)) continue;
      this.claimed.add(`${consumer}/${id}`);
      fresh.add(id);
    }
    return fresh;
  }
  async storedReplies(ids: readonly string[]) {
    return new Map(ids.filter((id) => this.replies.has(id)).map((id) => [id, this.replies.get(id)!] as const));
  }
  async findGroup(tenantId: string, id: string) {
    return this.groups.get(key(tenantId, id));
  }
  async managedGroupNamed(tenantId: string, name: string, exceptId?: string) {
    return [...this.groups.values()].find((g) => g.tenantId === tenantId && g.managed && g.id !== exceptId && String(g.resource.displayName).toLowerCase() === name.toLowerCase())
      ?.id;
  }
  async insertGroup(g: StoredGroup) {
    this.groups.set(key(g.tenantId, g.id), g);
    this.members.set(key(g.tenantId, g.id), new Set());
  }
  async updateGroup(g: StoredGroup) {
    this.groups.set(key(g.tenantId, g.id), g);
  }
  async deleteGroup(tenantId: string, id: string) {
    this.groups.delete(key(tenantId, id));
    this.members.delete(key(tenantId, id));
  }
  async groupIdsAmong(tenantId: string, ids: readonly string[]) {
    return ids.filter((id) => this.groups.has(key(tenantId, id)));
  }
  async unknownUsersAmong(tenantId: string, ids: readonly string[]) {
    return ids.filter((id) => !this.knownUsers.has(key(tenantId, id)));
  }
  async deletedUsersAmong(tenantId: string, ids: readonly string[]) {
    return ids.filter((id) => this.knownUsers.get(key(tenantId, id))?.deleted === true);
  }
  async addMembers(tenantId: string, groupId: string, ids: readonly string[]) {
    const set = this.members.get(key(tenantId, groupId))!;
    return ids.filter((id) => !set.has(id) && set.add(id));
  }
  async removeMembers(tenantId: string, groupId: string, ids: readonly string[]) {
    const set = this.members.get(key(tenantId, groupId))!;
    return ids.filter((id) => set.delete(id));
  }
  async membersAmong(tenantId: string, groupId: string, ids: readonly string[]) {
    const set = this.members.get(key(tenantId, groupId))!;
    return ids.filter((id) => set.has(id));
  }
  async removeAllMembers(tenantId: string, groupId: string) {
    const set = this.members.get(key(tenantId, groupId))!;
    const all = [...set];
    set.clear();
    return all;
  }
  async removeMembersExcept(tenantId: string, groupId: string, keep: readonly string[]) {
    const set = this.members.get(key(tenantId, groupId))!;
    return [...set].filter((id) => !keep.includes(id) && set.delete(id));
  }
  async membersOf(tenantId: string, groupId: string): Promise<MemberJson[]> {
    return [...this.members.get(key(tenantId, groupId))!].sort().map((value) => ({ value, type: 'User' }));
  }
  async saveReplies(replies: readonly CommandReply[]) {
    for (const r of replies) this.replies.set(r.commandId, r);
  }
  async appendEvents(events: readonly OutboxEntry<GroupEvent>[]) {
    this.events.push(...events.map((e) => e.value));
  }
  async upsertKnownUser(tenantId: string, userId: string, display: string | undefined, deleted: boolean) {
    const previous = this.knownUsers.get(key(tenantId, userId));
    this.knownUsers.set(key(tenantId, userId), { display: display ?? previous?.display, deleted: deleted || previous?.deleted === true });
  }
  async removeUserFromAllGroups(tenantId: string, userId: string) {
    const left: string[] = [];
    for (const [k, set] of this.members) if (k.startsWith(`${tenantId}/`) && set.delete(userId)) left.push(k.split('/')[1]);
    return left;
  }
}

export class FakeReplySender implements ReplySender {
  readonly sent: OutgoingReply[] = [];
  async publish(replies: readonly OutgoingReply[]) {
    this.sent.push(...replies);
  }
}

function key(tenantId: string, id: string): string {
  return `${tenantId}/${id}`;
}
