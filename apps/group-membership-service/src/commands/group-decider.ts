/**
 * Decides one group command: the SCIM semantics of POST, PUT, PATCH and DELETE on /Groups
 * (RFC 7644 §3.3, §3.5.1, §3.5.2, §3.6) once the gateway has validated the request. Works on
 * the batch's transaction, so each command sees the ones before it; errors become replies.
 *
 * Members: any member id must be a user of the tenant: a UUID, not a group of the tenant (no
 * nested groups), not a user the user-service reported deleted, and, when no user event has
 * told us about it yet, one the user-service confirms exists (UserDirectory). That last check
 * is what makes an add right after the user's 201 safe: the 201 is sent after the user-service
 * committed the user, whether or not its scim.user.created event has arrived here. A deleted
 * user cannot stay in a group: the deletion event either arrived before (the add is refused) or
 * arrives after (it removes the user from every group, with one scim.membership.removed event
 * per group).
 */
import { Inject, Injectable } from '@nestjs/common';
import type { CommandReply, CreateGroupPayload, DeleteGroupPayload, GroupCommand, GroupScope, MemberDeletedPayload, PatchGroupPayload, ReplaceGroupPayload } from '@app/contracts';
import { applyPatch, etagOf, ifMatchSatisfied, SchemaRegistry, ScimError, validateResource, type JsonObject, type SchemaContext } from '@app/scim';
import { GroupChange } from './group-events';
import type { GroupCommandTransaction } from './group-command-store';
import { memberIds, MemberOp, nestedGroup, splitMembersPatch } from '../groups/members-patch';
import { StoredGroup, withMembers } from '../groups/stored-group';
import { USER_DIRECTORY, type UserDirectory } from '../users/user-directory';
import { isUuid } from '@app/persistence';

export interface GroupDecision {
  reply: Omit<CommandReply, 'commandId' | 'tenantId'>;
  changes: GroupChange[];
}

export interface DecisionClock {
  now: string;
  newId(): string;
}

const MAX_INDEXED_BYTES = 1024;

@Injectable()
export class GroupDecider {
  constructor(@Inject(USER_DIRECTORY) private readonly directory: UserDirectory) {}

  private readonly context: SchemaContext = SchemaRegistry.createDefault().context('Group');

  async decide(command: GroupCommand, tx: GroupCommandTransaction, clock: DecisionClock): Promise<GroupDecision> {
    try {
      switch (command.type) {
        case 'group.create':
          return await this.create(command.tenantId, command.payload, tx, clock);
        case 'group.replace':
          return await this.replace(command.tenantId, command.payload, tx, clock);
        case 'group.patch':
          return await this.patch(command.tenantId, command.payload, tx, clock);
        case 'group.delete':
          return await this.delete(command.tenantId, command.payload, tx);
        case 'group.member-deleted':
          return await this.memberDeleted(command.tenantId, command.payload, tx, clock);
        default: {
          // Unreachable for a record that passed the topic's schema; kept for commands built in code.
          const unknown: { type?: unknown } = command;
          throw new ScimError(400, 'invalidSyntax', `Unknown command type '${String(unknown.type)}'`);
        }
      }
    } catch (err) {
      if (err instanceof ScimError) return { reply: errorReply(err), changes: [] };
      throw err;
    }
  }

  private async create(tenantId: string, payload: CreateGroupPayload, tx: GroupCommandTransaction, clock: DecisionClock): Promise<GroupDecision> {
    const { content, members } = this.validated(payload.resource, 'create');
    const managed = payload.managed !== false;
    const displayName = String(content.displayName);
    if (managed && (await tx.managedGroupNamed(tenantId, displayName)) !== undefined) throw duplicateName(displayName);
    await this.checkMembers(tenantId, members, tx);
    const id = clock.newId();
    const group: StoredGroup = { tenantId, id, managed, version: 1, created: clock.now, lastModified: clock.now, resource: withMeta(content, id, 1, clock.now, clock.now) };
    await tx.insertGroup(group);
    const added = members.length > 0 ? await tx.addMembers(tenantId, id, members) : [];
    const changes: GroupChange[] = [
      { type: 'scim.group.created', tenantId, groupId: id, resource: group.resource, changedAttributes: Object.keys(content).filter((k) => k !== 'schemas') },
    ];
    if (added.length > 0) changes.push({ type: 'scim.membership.added', tenantId, groupId: id, memberIds: added });
    const shown = added.length > 0 ? await tx.membersOf(tenantId, id) : [];
    return { reply: { status: 201, body: withMembers(group.resource, shown), version: etagOf(1) }, changes };
  }

  /** PUT replaces the whole group, members included (RFC 7644 §3.5.1). */
  private async replace(tenantId: string, payload: ReplaceGroupPayload, tx: GroupCommandTransaction, clock: DecisionClock): Promise<GroupDecision> {
    const existing = await findForUpdate(tenantId, payload.id, payload.ifMatch, payload.scope, tx);
    const { content, members } = this.validated(payload.resource, 'replace', existing.resource);
    const decision = await this.update(existing, content, [{ kind: 'replace', ids: members }], tx, clock);
    const shown = await tx.membersOf(tenantId, existing.id);
    const body = decision.reply.body ?? existing.resource;
    return { ...decision, reply: { ...decision.reply, status: 200, body: withMembers(body as JsonObject, shown) } };
  }

  /** PATCH answers 204 (RFC 7644 §3.5.2): a reply never carries (or loads) a large member list. */
  private async patch(tenantId: string, payload: PatchGroupPayload, tx: GroupCommandTransaction, clock: DecisionClock): Promise<GroupDecision> {
    const existing = await findForUpdate(tenantId, payload.id, payload.ifMatch, payload.scope, tx);
    if (payload.operations.length === 0) {
      throw new ScimError(400, 'invalidSyntax', 'PATCH needs a non-empty list of operations');
    }
    const { memberOps, otherOps } = splitMembersPatch(payload.operations);
    let content = existing.resource;
    if (otherOps.length > 0) {
      const patched = applyPatch(withoutMeta(existing.resource), otherOps, this.context, {
        entraCompat: payload.scope.strictness !== 'rfc7644',
      });
      if (patched.unknownAttributes.length > 0) throw new ScimError(400, 'invalidPath', `Unknown attribute(s): ${patched.unknownAttributes.join(', ')}`);
      content = patched.resource;
      if (typeof content.displayName !== 'string' || content.displayName === '')
        throw new ScimError(400, 'invalidValue', "Attribute 'displayName' is required and cannot be removed");
    }
    // RFC 7644 §3.5.2.2 as written: removing members none of which is in the group is noTarget,
    // found before any statement runs (a command applies whole or not at all).
    if (payload.scope.strictness === 'rfc7644') await refuseRemovalsWithoutTarget(existing, memberOps, tx);
    const decision = await this.update(existing, withoutMeta(content), memberOps, tx, clock);
    return { ...decision, reply: { status: 204, version: decision.reply.version } };
  }

  private async delete(tenantId: string, payload: DeleteGroupPayload, tx: GroupCommandTransaction): Promise<GroupDecision> {
    const existing = await findForUpdate(tenantId, payload.id, payload.ifMatch, payload.scope, tx);
    // Memberships go with the group (ON DELETE CASCADE); scim.group.deleted implies them ended.
    await tx.deleteGroup(tenantId, existing.id);
    return { reply: { status: 204 }, changes: [{ type: 'scim.group.deleted', tenantId, groupId: existing.id, resource: existing.resource, changedAttributes: [] }] };
  }

  /**
   * A deleted user leaves every group at once (the gateway waits for this before its 204), in
   * the same statements and lock order as the user-deleted event's cleanup, which later finds
   * nothing left to do. Recorded as deleted, so no later command can add it back.
   */
  private async memberDeleted(tenantId: string, payload: MemberDeletedPayload, tx: GroupCommandTransaction, clock: DecisionClock): Promise<GroupDecision> {
    const userId = payload.userId;
    if (!isUuid(userId)) throw new ScimError(400, 'invalidValue', `'${String(userId)}' is not a user id`);
    await tx.upsertKnownUser(tenantId, userId, undefined, true);
    const groups = await tx.removeUserFromAllGroups(tenantId, userId, clock.now);
    return { reply: { status: 204 }, changes: groups.map((groupId) => ({ type: 'scim.membership.removed' as const, tenantId, groupId, memberIds: [userId] })) };
  }

  /** Applies attribute changes and member operations; a new version only when something changed. */
  private async update(existing: StoredGroup, content: JsonObject, memberOps: MemberOp[], tx: GroupCommandTransaction, clock: DecisionClock): Promise<GroupDecision> {
    const { tenantId, id } = existing;
    const changedAttributes = changedTopLevel(withoutMeta(existing.resource), content);
    if (changedAttributes.includes('displayName') && existing.managed) {
      const displayName = String(content.displayName);
      if ((await tx.managedGroupNamed(tenantId, displayName, id)) !== undefined) throw duplicateName(displayName);
    }
    await this.checkMembers(
      tenantId,
      memberOps.flatMap((op) => (op.kind === 'add' || op.kind === 'replace' ? op.ids : [])),
      tx,
    );
    const net = new NetMembership();
    for (const op of memberOps) {
      switch (op.kind) {
        case 'add':
          net.added(await tx.addMembers(tenantId, id, op.ids));
          break;
        case 'remove':
          net.removed(await tx.removeMembers(tenantId, id, op.ids.filter(isUuid)));
          break;
        case 'removeAll':
          net.removed(await tx.removeAllMembers(tenantId, id));
          break;
        case 'replace':
          net.removed(await tx.removeMembersExcept(tenantId, id, op.ids));
          net.added(await tx.addMembers(tenantId, id, op.ids));
          break;
      }
    }
    const { added, removed } = net.result();
    if (changedAttributes.length === 0 && added.length === 0 && removed.length === 0) {
      return { reply: { status: 200, body: existing.resource, version: etagOf(existing.version) }, changes: [] };
    }
    const version = existing.version + 1;
    const group: StoredGroup = { ...existing, version, lastModified: clock.now, resource: withMeta(content, id, version, existing.created, clock.now) };
    await tx.updateGroup(group);
    const changes: GroupChange[] = [];
    if (changedAttributes.length > 0) changes.push({ type: 'scim.group.updated', tenantId, groupId: id, resource: group.resource, changedAttributes });
    if (added.length > 0) changes.push({ type: 'scim.membership.added', tenantId, groupId: id, memberIds: added });
    if (removed.length > 0) changes.push({ type: 'scim.membership.removed', tenantId, groupId: id, memberIds: removed });
    return { reply: { status: 200, body: group.resource, version: etagOf(version) }, changes };
  }

  /** See the file comment: members are users of the tenant, never groups, never known-deleted users. */
  private async checkMembers(tenantId: string, ids: readonly string[], tx: GroupCommandTransaction): Promise<void> {
    if (ids.length === 0) return;
    const malformed = ids.find((id) => !isUuid(id));
    if (malformed !== undefined) throw new ScimError(400, 'invalidValue', `Member '${String(malformed)}' is not a user of this tenant`);
    const groups = await tx.groupIdsAmong(tenantId, ids);
    if (groups.length > 0) throw nestedGroup(groups[0]);
    const unknown = await tx.unknownUsersAmong(tenantId, ids);
    if (unknown.length > 0) {
      const users = await this.directory.existing(tenantId, unknown);
      const missing = unknown.find((id) => !users.has(id));
      if (missing !== undefined) throw new ScimError(400, 'invalidValue', `Member '${missing}' is not a user of this tenant`);
    }
    const deleted = await tx.deletedUsersAmong(tenantId, ids);
    if (deleted.length > 0) throw new ScimError(400, 'invalidValue', `Member '${deleted[0]}' is not a user of this tenant (deleted)`);
  }

  /** Body checked against the core Group schema; members split off as a list of ids. */
  private validated(resource: unknown, mode: 'create' | 'replace', existing?: JsonObject): { content: JsonObject; members: string[] } {
    if (typeof resource !== 'object' || resource === null || Array.isArray(resource)) throw new ScimError(400, 'invalidSyntax', 'Command has no resource object');
    const validated = validateResource(resource, this.context, mode === 'replace' ? { mode, existing: existing ?? {} } : { mode });
    const { members, meta: _meta, id: _id, ...content } = validated.resource;
    void _meta;
    void _id;
    for (const name of ['displayName', 'externalId']) {
      const value = content[name];
      if (typeof value === 'string' && Buffer.byteLength(value, 'utf8') > MAX_INDEXED_BYTES) {
        throw new ScimError(400, 'invalidValue', `Attribute '${name}' is longer than ${MAX_INDEXED_BYTES} bytes`);
      }
    }
    return { content: content, members: members === undefined || members === null ? [] : memberIds(members, 0) };
  }
}

/** Walks the member operations over the group's membership as it would be; throws noTarget for a removal that matches no member. */
async function refuseRemovalsWithoutTarget(group: StoredGroup, ops: readonly MemberOp[], tx: GroupCommandTransaction): Promise<void> {
  const asked = [...new Set(ops.flatMap((op) => (op.kind === 'remove' ? op.ids.filter(isUuid) : [])))];
  if (asked.length === 0) return;
  const present = new Set(await tx.membersAmong(group.tenantId, group.id, asked));
  for (const op of ops) {
    switch (op.kind) {
      case 'add':
        op.ids.forEach((id) => present.add(id));
        break;
      case 'removeAll':
        present.clear();
        break;
      case 'replace':
        present.clear();
        op.ids.forEach((id) => present.add(id));
        break;
      case 'remove':
        if (!op.ids.some((id) => present.has(id))) throw new ScimError(400, 'noTarget', `No member of the group matches ${op.ids.join(', ')}`);
        op.ids.forEach((id) => present.delete(id));
        break;
    }
  }
}

/** Net effect of a command's member operations: a member removed then re-added is no change. */
class NetMembership {
  private readonly state = new Map<string, 'added' | 'removed'>();

  added(ids: readonly string[]): void {
    for (const id of ids) {
      if (this.state.get(id) === 'removed') this.state.delete(id);
      else this.state.set(id, 'added');
    }
  }

  removed(ids: readonly string[]): void {
    for (const id of ids) {
      if (this.state.get(id) === 'added') this.state.delete(id);
      else this.state.set(id, 'removed');
    }
  }

  result(): { added: string[]; removed: string[] } {
    const added: string[] = [];
    const removed: string[] = [];
    for (const [id, s] of this.state) (s === 'added' ? added : removed).push(id);
    return { added, removed };
  }
}

async function findForUpdate(tenantId: string, id: unknown, ifMatch: unknown, scope: GroupScope | undefined, tx: GroupCommandTransaction): Promise<StoredGroup> {
  const existing = isUuid(id) ? await tx.findGroup(tenantId, id) : undefined;
  // Under managedResources an application-owned group is as absent to SCIM as one never created.
  if (existing === undefined || (scope?.managedOnly === true && !existing.managed)) throw new ScimError(404, undefined, `Group '${String(id)}' not found`);
  if (!ifMatchSatisfied(typeof ifMatch === 'string' ? ifMatch : undefined, existing.version)) {
    throw new ScimError(412, undefined, `If-Match ${String(ifMatch)} does not match the current version ${etagOf(existing.version)}`);
  }
  return existing;
}

function withMeta(content: JsonObject, id: string, version: number, created: string, lastModified: string): JsonObject {
  return { ...content, id, meta: { resourceType: 'Group', created, lastModified, version: etagOf(version) } };
}

function withoutMeta(resource: JsonObject): JsonObject {
  const { meta: _meta, id: _id, ...rest } = resource;
  void _meta;
  void _id;
  return rest;
}

function changedTopLevel(before: JsonObject, after: JsonObject): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => k !== 'schemas' && k !== 'members' && JSON.stringify(before[k]) !== JSON.stringify(after[k]));
}

function duplicateName(displayName: string): ScimError {
  return new ScimError(409, 'uniqueness', `displayName '${displayName}' is already in use`);
}

export function errorReply(error: ScimError): GroupDecision['reply'] {
  return { status: error.status, body: { ...error.toResponse() } };
}
