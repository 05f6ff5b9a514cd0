import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import type { CommandReply, UserCommand } from '@app/contracts';
import type { ComponentLogger, JsonLogger } from '@app/observability';
import { LOGGER } from '@app/runtime';
import { isDataError, isUuid, sqlStateOf } from '@app/persistence';
import { ScimError } from '@app/scim';
import { BatchState } from './batch-state';
import { OutgoingReply, REPLY_SENDER, type ReplySender } from '@app/runtime';
import { CommandKey, USER_COMMAND_STORE, UserLookup, UserNameTaken, type UserCommandStore, type UserCommandTransaction } from './user-command-store';
import { Decision, DecisionClock, errorReply, UserDecider } from './user-decider';
import { userEventEntry } from './user-events';

/** A command as it came off the topic, with what the reply needs from its headers. */
export interface ReceivedCommand {
  command: UserCommand;
  replyTo?: string;
  correlationId?: string;
}

export const DECISION_CLOCK = Symbol('DECISION_CLOCK');

/** A merged transaction takes batches up to this many commands (a single larger batch goes alone). */
const MAX_COMMANDS_PER_TRANSACTION = 2_000;

interface Warning {
  tenantId: string;
  commandId: string;
  attributes: string[];
}

/**
 * Applies a batch of user commands (one partition's records, in order) in one transaction:
 * claim the command ids, read every user the batch touches in one query, decide each command in
 * order against that state, write the net changes, the replies and the events, commit; then
 * send the replies. A redelivered command is not decided again: its stored reply is re-sent.
 * Business errors are replies; anything thrown is an infrastructure failure for the transport
 * to retry (record by record) and dead-letter.
 */
@Injectable()
export class UserCommandsService {
  private readonly log: ComponentLogger;
  /** A batch shares one timestamp; tests provide their own clock and ids. */
  private readonly clock: () => DecisionClock;
  private readonly waiting: Array<{ batch: readonly ReceivedCommand[]; resolve(): void; reject(err: unknown): void }> = [];
  private draining = false;

  constructor(
    @Inject(USER_COMMAND_STORE) private readonly store: UserCommandStore,
    @Inject(REPLY_SENDER) private readonly replies: ReplySender,
    private readonly decider: UserDecider,
    @Inject(LOGGER) logger: JsonLogger,
    @Optional() @Inject(DECISION_CLOCK) clock?: () => DecisionClock,
  ) {
    this.log = logger.child('user-commands');
    this.clock = clock ?? (() => ({ now: new Date().toISOString(), newId: randomUUID }));
  }

  /**
   * Group commit: the batches of several partitions (consumed concurrently) that arrive while a
   * transaction runs are decided together in the next one: fewer, larger transactions under a
   * burst (a round trip and a commit shared by more creates), no wait when idle. The partitions
   * are different tenants (commands are keyed by tenant), so merging them reorders nothing. If a
   * merged transaction fails, each batch is tried again on its own, so one batch's failure is
   * reported to its own partition only.
   */
  handle(batch: readonly ReceivedCommand[]): Promise<void> {
    if (batch.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ batch, resolve, reject });
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.waiting.length > 0) {
        let commands = 0;
        let take = 0;
        while (take < this.waiting.length && (take === 0 || commands + this.waiting[take]!.batch.length <= MAX_COMMANDS_PER_TRANSACTION)) {
          commands += this.waiting[take]!.batch.length;
          take += 1;
        }
        const group = this.waiting.splice(0, take);
        if (group.length > 1) {
          try {
            await this.decideAndReply(group.flatMap((g) => g.batch));
            for (const g of group) g.resolve();
            continue;
          } catch {
            // one of them failed: each on its own below, so only its own partition hears of it
          }
        }
        for (const g of group) await this.decideAndReply(g.batch).then(g.resolve, g.reject);
      }
    } finally {
      this.draining = false;
    }
  }

  private async decideAndReply(batch: readonly ReceivedCommand[]): Promise<void> {
    const clock = this.clock();
    const { replies, warnings } = await this.store.inTransaction((tx) => this.decideBatch(tx, batch, clock)).catch((err: unknown) => {
      // The transport retries a failed batch record by record, which finds the command at fault;
      // alone, a command whose data the store refuses is answered 400 at once, never retried.
      if (batch.length !== 1 || !isDataError(err)) throw err;
      return this.store.inTransaction((tx) => this.refuse(tx, batch[0]!, err));
    });
    // After the commit: a reply never announces a change that could still roll back.
    await this.replies.publish(replies);
    for (const w of warnings) this.log.warn('unknown attributes ignored', { tenantId: w.tenantId, commandId: w.commandId, attributes: w.attributes });
  }

  /** Stores and sends a 400 for a command the store cannot hold (its id claimed, so a redelivery gets the same answer). */
  private async refuse(tx: UserCommandTransaction, r: ReceivedCommand, err: unknown): Promise<{ replies: OutgoingReply[]; warnings: Warning[] }> {
    const { tenantId, commandId } = r.command;
    // The SQLSTATE only: a driver's message may quote the value.
    this.log.warn('command refused: the store cannot hold a value it carries', { tenantId, commandId, sqlState: sqlStateOf(err) ?? (err as Error).name });
    const refused = new ScimError(400, 'invalidValue', 'The request holds a value that cannot be stored');
    let reply: CommandReply = { commandId, tenantId, ...errorReply(refused) };
    const fresh = await tx.claim([keyOf(r)]);
    if (fresh.has(commandId)) await tx.saveReplies([reply]);
    else reply = (await tx.storedReplies([keyOf(r)])).get(commandId) ?? reply;
    return { replies: [{ reply, replyTo: r.replyTo, correlationId: r.correlationId }], warnings: [] };
  }

  private async decideBatch(
    tx: UserCommandTransaction,
    batch: readonly ReceivedCommand[],
    clock: DecisionClock,
  ): Promise<{ replies: OutgoingReply[]; warnings: Warning[] }> {
    const fresh = await tx.claim(batch.map(keyOf));
    // A command id seen twice in one batch is decided once, at its first position.
    const toDecide: ReceivedCommand[] = [];
    const firstSeen = new Set<string>();
    for (const r of batch) {
      if (fresh.has(r.command.commandId) && !firstSeen.has(r.command.commandId)) toDecide.push(r);
      firstSeen.add(r.command.commandId);
    }
    const repeated = batch.filter((r) => !fresh.has(r.command.commandId));
    const stored = repeated.length > 0 ? await tx.storedReplies(repeated.map(keyOf)) : new Map<string, CommandReply>();
    // Normal after a crash or rebalance (at-least-once delivery); frequent ones point at offset commits failing.
    if (repeated.length > 0) this.log.info('redelivered commands answered from stored replies', { count: repeated.length });

    const state = new BatchState(
      (tenantId, userName) => tx.findByUserName(tenantId, userName),
      (tenantId, value, limit) => tx.idsWithExtensionValue(tenantId, value, limit),
    );
    const lookups = lookupsOf(toDecide);
    if (lookups.length > 0) {
      state.learn(await tx.loadUsers(lookups), lookups.flatMap((l) => l.userNames.map((userName) => ({ tenantId: l.tenantId, userName }))));
    }
    const decisions = new Map<string, Decision>();
    for (const r of toDecide) decisions.set(r.command.commandId, await this.decider.decide(r.command, state, clock));
    await this.saveUsers(tx, state, toDecide, decisions);

    const decided = toDecide.map((r) => replyOf(r, decisions.get(r.command.commandId)!));
    await tx.saveReplies(decided);
    await tx.appendEvents(
      toDecide.flatMap((r) => {
        const change = decisions.get(r.command.commandId)!.change;
        return change ? [userEventEntry(change, clock.newId(), clock.now)] : [];
      }),
    );

    const byId = new Map([...stored, ...decided.map((reply) => [reply.commandId, reply] as const)]);
    const replies: OutgoingReply[] = [];
    for (const r of batch) {
      const reply = byId.get(r.command.commandId);
      // Claimed long ago and its reply pruned: nobody can still be waiting for it.
      if (reply === undefined) this.log.info('no stored reply for a redelivered command', { commandId: r.command.commandId });
      else replies.push({ reply, replyTo: r.replyTo, correlationId: r.correlationId });
    }
    const warnings = toDecide.flatMap((r) => {
      const ignored = decisions.get(r.command.commandId)!.ignoredAttributes ?? [];
      return ignored.length > 0 ? [{ tenantId: r.command.tenantId, commandId: r.command.commandId, attributes: ignored }] : [];
    });
    return { replies, warnings };
  }

  /**
   * The store's unique index on the userName is the last word (it also sees writers this batch
   * cannot). A batch it refuses is retried command by command by the transport; a single
   * command it refuses is answered 409 like any duplicate.
   */
  private async saveUsers(tx: UserCommandTransaction, state: BatchState, toDecide: ReceivedCommand[], decisions: Map<string, Decision>): Promise<void> {
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

function keyOf(r: ReceivedCommand): CommandKey {
  return { tenantId: r.command.tenantId, commandId: r.command.commandId };
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
