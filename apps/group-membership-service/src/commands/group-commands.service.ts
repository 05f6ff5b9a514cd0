import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import type { CommandReply, GroupCommand, UserEvent } from '@app/contracts';
import type { ComponentLogger, JsonLogger } from '@app/observability';
import { LOGGER } from '@app/runtime';
import { isDataError, isUuid, sqlStateOf } from '@app/persistence';
import { ScimError } from '@app/scim';
import { OutgoingReply, REPLY_SENDER, type ReplySender } from '@app/runtime';
import { GROUP_COMMAND_STORE, type GroupCommandStore, type GroupCommandTransaction } from './group-command-store';
import { DecisionClock, GroupDecider, GroupDecision } from './group-decider';
import { GroupChange, groupEventEntry } from './group-events';

export interface ReceivedCommand {
  command: GroupCommand;
  replyTo?: string;
  correlationId?: string;
}

export const DECISION_CLOCK = Symbol('DECISION_CLOCK');
export const GROUP_COMMANDS_CONSUMER = 'group-membership-service.group-commands';
export const USER_EVENTS_CONSUMER = 'group-membership-service.user-events';

/**
 * Applies a batch of group commands (one partition's records, in order) in one transaction:
 * claim the command ids, decide each command in order (each sees the ones before it), write the
 * replies and the events to the outbox, commit; then send the replies. A redelivered command
 * re-sends its stored reply. Also keeps `known_users` from the user-service's events and removes
 * a deleted user from every group, in the same transactional way.
 */
@Injectable()
export class GroupCommandsService {
  private readonly log: ComponentLogger;
  private readonly clock: () => DecisionClock;

  constructor(
    @Inject(GROUP_COMMAND_STORE) private readonly store: GroupCommandStore,
    @Inject(REPLY_SENDER) private readonly replies: ReplySender,
    private readonly decider: GroupDecider,
    @Inject(LOGGER) logger: JsonLogger,
    @Optional() @Inject(DECISION_CLOCK) clock?: () => DecisionClock,
  ) {
    this.log = logger.child('group-commands');
    this.clock = clock ?? (() => ({ now: new Date().toISOString(), newId: randomUUID }));
  }

  async handle(batch: readonly ReceivedCommand[]): Promise<void> {
    if (batch.length === 0) return;
    const clock = this.clock();
    const replies = await this.store.inTransaction((tx) => this.decideBatch(tx, batch, clock)).catch((err: unknown) => {
      // The transport retries a failed batch record by record, which finds the command at fault;
      // alone, a command whose data the store refuses is answered 400 at once, never retried.
      if (batch.length !== 1 || !isDataError(err)) throw err;
      return this.store.inTransaction((tx) => this.refuse(tx, batch[0]!, err));
    });
    // After the commit: a reply never announces a change that could still roll back.
    await this.replies.publish(replies);
  }

  /** scim.user-events.v1: names for member display, deletions for membership cleanup. */
  async handleUserEvents(events: readonly UserEvent[]): Promise<void> {
    if (events.length === 0) return;
    const clock = this.clock();
    await this.store.inTransaction(async (tx) => {
      const fresh = await tx.claim(USER_EVENTS_CONSUMER, events.map((e) => e.id));
      const seen = new Set<string>();
      const changes: GroupChange[] = [];
      for (const event of events) {
        if (!fresh.has(event.id) || seen.has(event.id)) continue;
        seen.add(event.id);
        const userId = event.subject;
        if (!isUuid(userId)) continue;
        const resource = event.data.resource as Record<string, unknown>;
        const display = typeof resource.displayName === 'string' ? resource.displayName : typeof resource.userName === 'string' ? resource.userName : undefined;
        const deleted = event.type === 'scim.user.deleted';
        await tx.upsertKnownUser(event.tenantid, userId, display, deleted);
        if (!deleted) continue;
        for (const groupId of await tx.removeUserFromAllGroups(event.tenantid, userId, clock.now)) {
          changes.push({ type: 'scim.membership.removed', tenantId: event.tenantid, groupId, memberIds: [userId] });
        }
      }
      await tx.appendEvents(changes.map((c) => groupEventEntry(c, clock.newId(), clock.now)));
    });
  }

  /** Stores and sends a 400 for a command the store cannot hold (its id claimed, so a redelivery gets the same answer). */
  private async refuse(tx: GroupCommandTransaction, r: ReceivedCommand, err: unknown): Promise<OutgoingReply[]> {
    const { tenantId, commandId } = r.command;
    this.log.warn('command refused: the store cannot hold a value it carries', { tenantId, commandId, sqlState: sqlStateOf(err) ?? (err as Error).name });
    const refused = new ScimError(400, 'invalidValue', 'The request holds a value that cannot be stored');
    let reply: CommandReply = { commandId, tenantId, status: 400, body: { ...refused.toResponse() } };
    const fresh = await tx.claim(GROUP_COMMANDS_CONSUMER, [commandId]);
    if (fresh.has(commandId)) await tx.saveReplies([reply]);
    else reply = (await tx.storedReplies([commandId])).get(commandId) ?? reply;
    return [{ reply, replyTo: r.replyTo, correlationId: r.correlationId }];
  }

  private async decideBatch(tx: GroupCommandTransaction, batch: readonly ReceivedCommand[], clock: DecisionClock): Promise<OutgoingReply[]> {
    const fresh = await tx.claim(GROUP_COMMANDS_CONSUMER, batch.map((r) => r.command.commandId));
    const toDecide: ReceivedCommand[] = [];
    const firstSeen = new Set<string>();
    for (const r of batch) {
      if (fresh.has(r.command.commandId) && !firstSeen.has(r.command.commandId)) toDecide.push(r);
      firstSeen.add(r.command.commandId);
    }
    const repeated = batch.filter((r) => !fresh.has(r.command.commandId));
    const stored = repeated.length > 0 ? await tx.storedReplies(repeated.map((r) => r.command.commandId)) : new Map<string, CommandReply>();
    if (repeated.length > 0) this.log.info('redelivered commands answered from stored replies', { count: repeated.length });

    const decisions = new Map<string, GroupDecision>();
    for (const r of toDecide) decisions.set(r.command.commandId, await this.decider.decide(r.command, tx, clock));
    const decided = toDecide.map((r) => ({ commandId: r.command.commandId, tenantId: r.command.tenantId, ...decisions.get(r.command.commandId)!.reply }));
    await tx.saveReplies(decided);
    await tx.appendEvents(toDecide.flatMap((r) => decisions.get(r.command.commandId)!.changes.map((c) => groupEventEntry(c, clock.newId(), clock.now))));

    const byId = new Map<string, CommandReply>([...stored, ...decided.map((reply) => [reply.commandId, reply] as const)]);
    const replies: OutgoingReply[] = [];
    for (const r of batch) {
      const reply = byId.get(r.command.commandId);
      if (reply === undefined) this.log.info('no stored reply for a redelivered command', { commandId: r.command.commandId });
      else replies.push({ reply, replyTo: r.replyTo, correlationId: r.correlationId });
    }
    return replies;
  }
}
