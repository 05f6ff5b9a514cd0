import type { CloudEvent } from 'cloudevents';
import { groupStateKey, membershipStateKey, userStateKey, type MembershipChange, type ResourceChange, type StateRecordValue } from '@app/contracts';

type Resource = Record<string, unknown>;

/** What the example keeps: the current users and groups of every tenant it sees, with the members of each group. */
export interface DirectorySnapshot {
  users: Map<string, Resource>;
  groups: Map<string, Resource>;
  members: Map<string, Set<string>>;
}

/**
 * The subscriber's own store, in memory here (a real one keeps it in its database, with the
 * sequences, in the same transaction as what it derives). It is fed twice:
 * - `applyState`: the compacted state topics, read to their end once at bootstrap;
 * - `applyEvent`: the event topics from then on.
 * Every record carries the outbox sequence of the event it follows. Per key (a user, a group, a
 * membership), an event whose sequence is not above the one already applied is skipped: the state
 * already covers it (docs/consumers.md). Sequences are per owning service, and each key belongs to
 * one of them, so comparing them per key is sound.
 */
export class Directory implements DirectorySnapshot {
  readonly users = new Map<string, Resource>();
  readonly groups = new Map<string, Resource>();
  readonly members = new Map<string, Set<string>>();
  /** The sequence each key was last brought to (tombstoned keys included). */
  private readonly sequences = new Map<string, bigint>();
  /** CloudEvents ids applied from the event topics, in order (for the example's log and its test). */
  readonly appliedEvents: string[] = [];
  skippedEvents = 0;
  /** Each key's sequence as the state topics left it (set by finishBootstrap). */
  bootstrapped?: ReadonlyMap<string, bigint>;

  applyState(key: string, value: StateRecordValue | null, sequence: bigint): void {
    if (!this.advance(key, sequence)) return;
    const [tenantId, id, memberId] = key.split('/');
    if (memberId !== undefined) {
      if (value === null) this.removeMember(`${tenantId}/${id}`, memberId);
      else this.addMember(`${tenantId}/${id}`, memberId);
      return;
    }
    if (value === null) {
      // A tombstone does not say whether it was a user or a group; ids are unique UUIDs either way.
      this.users.delete(key);
      this.dropGroup(key);
    } else if (value.kind === 'User') this.users.set(key, value.resource);
    else if (value.kind === 'Group') this.groups.set(key, value.resource);
  }

  /** After the state topics are read: a membership whose group has no state ended with its group. */
  finishBootstrap(): void {
    this.bootstrapped = new Map(this.sequences);
    for (const group of [...this.members.keys()]) if (!this.groups.has(group)) this.members.delete(group);
  }

  /** Applies one event unless the state already covers it; returns whether anything changed. */
  applyEvent(event: CloudEvent<unknown>, sequence: bigint): boolean {
    const tenantId = String(event.tenantid);
    const applied = event.type.startsWith('scim.membership.') ? this.applyMembership(tenantId, event, sequence) : this.applyResource(tenantId, event, sequence);
    if (applied) this.appliedEvents.push(event.id);
    else this.skippedEvents += 1;
    return applied;
  }

  private applyResource(tenantId: string, event: CloudEvent<unknown>, sequence: bigint): boolean {
    const isUser = event.type.startsWith('scim.user.');
    const key = isUser ? userStateKey(tenantId, event.subject!) : groupStateKey(tenantId, event.subject!);
    if (!this.advance(key, sequence)) return false;
    const { resource } = event.data as ResourceChange;
    const deleted = event.type.endsWith('.deleted');
    if (isUser) {
      if (deleted) this.users.delete(key);
      else this.users.set(key, resource);
    } else if (deleted) this.dropGroup(key);
    else this.groups.set(key, resource);
    return true;
  }

  private applyMembership(tenantId: string, event: CloudEvent<unknown>, sequence: bigint): boolean {
    const { groupId, memberIds } = event.data as MembershipChange;
    const group = groupStateKey(tenantId, groupId);
    let applied = false;
    for (const memberId of memberIds) {
      if (!this.advance(membershipStateKey(tenantId, groupId, memberId), sequence)) continue;
      applied = true;
      if (event.type === 'scim.membership.added') this.addMember(group, memberId);
      else this.removeMember(group, memberId);
    }
    return applied;
  }

  /** Moves a key to `sequence`; false when it is already there or past it. */
  private advance(key: string, sequence: bigint): boolean {
    const known = this.sequences.get(key);
    if (known !== undefined && known >= sequence) return false;
    this.sequences.set(key, sequence);
    return true;
  }

  private addMember(group: string, memberId: string): void {
    const set = this.members.get(group) ?? new Set<string>();
    set.add(memberId);
    this.members.set(group, set);
  }

  private removeMember(group: string, memberId: string): void {
    const set = this.members.get(group);
    set?.delete(memberId);
    if (set?.size === 0) this.members.delete(group);
  }

  private dropGroup(key: string): void {
    this.groups.delete(key);
    this.members.delete(key);
  }
}
