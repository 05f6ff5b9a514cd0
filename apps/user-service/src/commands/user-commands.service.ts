import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import type { CommandReply, UserCommand } from '@app/contracts';
import { CommandDecisions, REPLY_SENDER, type DecidedBatch, type ReceivedCommand as ReceivedCommandOf, type ReplySender } from '@app/commands';
import type { ComponentLogger, JsonLogger } from '@app/observability';
import { LOGGER } from '@app/runtime';
import { isUuid } from '@app/persistence';
import { followingCommand } from '@app/messaging';
import { ScimError } from '@app/scim';
import { BatchState } from './batch-state';
import { USER_COMMAND_STORE, UserLookup, UserNameTaken, type UserCommandStore, type UserCommandTransaction } from './user-command-store';
import { Decision, DecisionClock, errorReply, UserDecider } from './user-decider';
import { userEventEntry } from './user-events';

/** A user command as it came off the topic, with what the reply needs from its headers. */
export type ReceivedCommand = ReceivedCommandOf<UserCommand>;

export const DECISION_CLOCK = Symbol('DECISION_CLOCK');

/**
 * The user-service's decisions (libs/commands CommandDecisions does the round trip: claims,
 * stored replies for redeliveries, group commit, replies after the commit). For the fresh
 * commands of a batch: read every user they touch in one query, decide each in order against
 * that state, write the net changes and the events. Business errors are replies.
 */
@Injectable()
export class UserCommandsService {
  private readonly log: ComponentLogger;
  /** A batch shares one timestamp; tests provide their own clock and ids. */
  private readonly clock: () => DecisionClock;
  private readonly decisions: CommandDecisions<UserCommand, UserCommandTransaction>;

  constructor(
    @Inject(USER_COMMAND_STORE) store: UserCommandStore,
    @Inject(REPLY_SENDER) replies: ReplySender,
    private readonly decider: UserDecider,
    @Inject(LOGGER) logger: JsonLogger,
    @Optional() @Inject(DECISION_CLOCK) clock?: () => DecisionClock,
  ) {
    this.log = logger.child('user-commands');
    this.clock = clock ?? (() => ({ now: new Date().toISOString(), newId: randomUUID }));
    this.decisions = CommandDecisions.over(store, { decide: (tx, fresh) => this.decideFresh(tx, fresh, this.clock()), replies, logger: this.log });
  }

  handle(batch: readonly ReceivedCommand[]): Promise<void> {
    return this.decisions.handle(batch);
  }

  private async decideFresh(tx: UserCommandTransaction, toDecide: readonly ReceivedCommand[], clock: DecisionClock): Promise<DecidedBatch> {
    const state = new BatchState(
      (tenantId, userName) => tx.findByUserName(tenantId, userName),
      (tenantId, value, limit) => tx.idsWithExtensionValue(tenantId, value, limit),
    );
    const lookups = lookupsOf(toDecide);
    if (lookups.length > 0) {
      state.learn(
        await tx.loadUsers(lookups),
        lookups.flatMap((l) => l.userNames.map((userName) => ({ tenantId: l.tenantId, userName }))),
      );
    }
    const decisions = new Map<string, Decision>();
    for (const r of toDecide) decisions.set(r.command.commandId, await this.decider.decide(r.command, state, clock));
    await this.saveUsers(tx, state, toDecide, decisions);
    await tx.appendEvents(
      toDecide.flatMap((r) => {
        const change = decisions.get(r.command.commandId)!.change;
        return change ? [followingCommand(userEventEntry(change, clock.newId(), clock.now), r.trace)] : [];
      }),
    );
    const warnings = toDecide.flatMap((r) => {
      const ignored = decisions.get(r.command.commandId)!.ignoredAttributes ?? [];
      return ignored.length > 0 ? [{ tenantId: r.command.tenantId, commandId: r.command.commandId, attributes: ignored }] : [];
    });
    return {
      replies: toDecide.map((r) => replyOf(r, decisions.get(r.command.commandId)!)),
      afterCommit: () => {
        for (const w of warnings) this.log.warn('unknown attributes ignored', { tenantId: w.tenantId, commandId: w.commandId, attributes: w.attributes });
      },
    };
  }

  /**
   * The store's unique index on the userName is the last word (it also sees writers this batch
   * cannot). A batch it refuses is retried command by command by the transport; a single
   * command it refuses is answered 409 like any duplicate.
   */
  private async saveUsers(tx: UserCommandTransaction, state: BatchState, toDecide: readonly ReceivedCommand[], decisions: Map<string, Decision>): Promise<void> {
    const single = toDecide.length === 1;
    try {
      await tx.saveUsers(state.changes(), { recoverable: single });
    } catch (err) {
      if (!(err instanceof UserNameTaken) || !single) throw err;
      const commandId = toDecide[0].command.commandId;
      const userName = decisions.get(commandId)?.reply.body?.userName;
      const detail = typeof userName === 'string' ? `userName '${userName}' is already in use` : err.message;
      decisions.set(commandId, { reply: errorReply(new ScimError(409, 'uniqueness', detail)) });
    }
  }
}

function replyOf(r: ReceivedCommand, decision: Decision): CommandReply {
  const ignored = decision.ignoredAttributes ?? [];
  return { commandId: r.command.commandId, tenantId: r.command.tenantId, ...decision.reply, ...(ignored.length > 0 ? { ignoredAttributes: ignored } : {}) };
}

/** Per tenant: the ids replace/patch/delete address and the userNames create/replace ask for. */
function lookupsOf(commands: readonly ReceivedCommand[]): UserLookup[] {
  const byTenant = new Map<string, UserLookup>();
  for (const { command } of commands) {
    const lookup = byTenant.get(command.tenantId) ?? { tenantId: command.tenantId, ids: [], userNames: [] };
    byTenant.set(command.tenantId, lookup);
    const payload = command.payload;
    if ('id' in payload && isUuid(payload.id)) lookup.ids.push(payload.id);
    const userName = 'resource' in payload ? userNameIn(payload.resource) : undefined;
    if (userName !== undefined) lookup.userNames.push(userName);
  }
  return [...byTenant.values()].filter((l) => l.ids.length > 0 || l.userNames.length > 0);
}

/** Attribute names are case-insensitive (RFC 7643 §2.1): `UserName` is the userName. */
function userNameIn(resource: Record<string, unknown>): string | undefined {
  const entry = Object.entries(resource).find(([key]) => key.toLowerCase() === 'username');
  return typeof entry?.[1] === 'string' ? entry[1] : undefined;
}
