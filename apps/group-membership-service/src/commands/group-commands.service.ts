import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import type { GroupCommand, UserEvent } from '@app/contracts';
import { CommandDecisions, REPLY_SENDER, type DecidedBatch, type ReceivedCommand as ReceivedCommandOf, type ReplySender } from '@app/commands';
import type { ComponentLogger, JsonLogger } from '@app/observability';
import { LOGGER } from '@app/runtime';
import { isUuid } from '@app/persistence';
import { GROUP_COMMAND_STORE, USER_EVENTS_CONSUMER, type GroupCommandStore, type GroupCommandTransaction } from './group-command-store';
import { DecisionClock, GroupDecider, GroupDecision } from './group-decider';
import { followingCommand } from '@app/messaging';
import { GroupChange, groupEventEntry } from './group-events';

/** A group command as it came off the topic, with what the reply needs from its headers. */
export type ReceivedCommand = ReceivedCommandOf<GroupCommand>;

export const DECISION_CLOCK = Symbol('DECISION_CLOCK');
export { GROUP_COMMANDS_CONSUMER, USER_EVENTS_CONSUMER } from './group-command-store';

/**
 * The group-membership-service's decisions (libs/commands CommandDecisions does the round trip:
 * claims, stored replies for redeliveries, replies after the commit): each fresh command decided
 * in order (each sees the ones before it), its events written to the outbox. Also keeps
 * `known_users` from the user-service's events and removes a deleted user from every group, in
 * the same transactional way.
 */
@Injectable()
export class GroupCommandsService {
  private readonly log: ComponentLogger;
  private readonly clock: () => DecisionClock;
  private readonly decisions: CommandDecisions<GroupCommand, GroupCommandTransaction>;

  constructor(
    @Inject(GROUP_COMMAND_STORE) private readonly store: GroupCommandStore,
    @Inject(REPLY_SENDER) replies: ReplySender,
    private readonly decider: GroupDecider,
    @Inject(LOGGER) logger: JsonLogger,
    @Optional() @Inject(DECISION_CLOCK) clock?: () => DecisionClock,
  ) {
    this.log = logger.child('group-commands');
    this.clock = clock ?? (() => ({ now: new Date().toISOString(), newId: randomUUID }));
    this.decisions = CommandDecisions.over(store, { decide: (tx, fresh) => this.decideFresh(tx, fresh, this.clock()), replies, logger: this.log });
  }

  handle(batch: readonly ReceivedCommand[]): Promise<void> {
    return this.decisions.handle(batch);
  }

  /** scim.user-events.v1: names for member display, deletions for membership cleanup. */
  async handleUserEvents(events: readonly UserEvent[]): Promise<void> {
    if (events.length === 0) return;
    const clock = this.clock();
    await this.store.inTransaction(async (tx) => {
      const fresh = await tx.claim(
        USER_EVENTS_CONSUMER,
        events.map((e) => e.id),
      );
      const seen = new Set<string>();
      const changes: GroupChange[] = [];
      for (const event of events) {
        if (!fresh.has(event.id) || seen.has(event.id)) continue;
        seen.add(event.id);
        const userId = event.subject;
        if (!isUuid(userId)) continue;
        const resource = event.data.resource;
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

  /** Decides each fresh command in order (each sees the ones before it) and writes its events. */
  private async decideFresh(tx: GroupCommandTransaction, toDecide: readonly ReceivedCommand[], clock: DecisionClock): Promise<DecidedBatch> {
    const decisions: GroupDecision[] = [];
    for (const r of toDecide) decisions.push(await this.decider.decide(r.command, tx, clock));
    await tx.appendEvents(decisions.flatMap((d, i) => d.changes.map((c) => followingCommand(groupEventEntry(c, clock.newId(), clock.now), toDecide[i].trace))));
    return { replies: toDecide.map((r, i) => ({ commandId: r.command.commandId, tenantId: r.command.tenantId, ...decisions[i].reply })) };
  }
}
