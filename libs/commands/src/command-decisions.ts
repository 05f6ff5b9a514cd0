import type { CommandReply } from '@app/contracts';
import type { ComponentLogger } from '@app/observability';
import { isDataError, sqlStateOf } from '@app/persistence';
import { ScimError } from '@app/scim';
import type { OutgoingReply, ReplySender } from './command-reply.publisher';
import type { CommandKey, ReplyLedger } from './reply-ledger';

/** A command as it came off its topic, with what the reply needs from its headers. */
export interface ReceivedCommand<C extends CommandKey> {
  command: C;
  replyTo?: string;
  correlationId?: string;
  /** Trace context headers of the command's processing (InboundMessage.trace): its events carry them. */
  trace?: Record<string, string>;
}

/** What the owning service decided for the fresh commands of a batch. */
export interface DecidedBatch {
  /** One reply per fresh command, in their order. */
  replies: CommandReply[];
  /** Runs after the commit (what may only be said of a change that cannot roll back). */
  afterCommit?: () => void;
}

export interface CommandDecisionsOptions<C extends CommandKey, Tx> {
  inTransaction<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
  /** The transaction's reply ledger (claims and stored replies). */
  ledger(tx: Tx): ReplyLedger;
  /** Decides each fresh command once, in order, and writes its effects (state, outbox) in `tx`. */
  decide(tx: Tx, fresh: readonly ReceivedCommand<C>[]): Promise<DecidedBatch>;
  replies: ReplySender;
  logger: ComponentLogger;
  /**
   * Group commit: the batches that arrive while a transaction runs (other partitions, consumed
   * concurrently) are decided together in the next one. Partitions are different tenants
   * (commands are keyed by tenant), so merging them reorders nothing.
   */
  groupCommit?: boolean;
}

/** A merged transaction takes batches up to this many commands (a single larger batch goes alone). */
const MAX_COMMANDS_PER_TRANSACTION = 2_000;

/**
 * The owning service's half of the command round trip (docs/messaging.md): a batch of commands
 * is decided in one transaction that claims the command ids, decides the fresh ones, stores
 * their replies with their effects and commits; then the replies go to the waiting gateway
 * instances. A redelivered command is not decided again: its stored reply is sent. Anything
 * thrown is a failure for the consumer transport to retry (record by record) and dead-letter,
 * except that a single command whose data the store refuses is answered 400 at once.
 */
export class CommandDecisions<C extends CommandKey, Tx> {
  private readonly waiting: Array<{ batch: readonly ReceivedCommand<C>[]; resolve(): void; reject(err: unknown): void }> = [];
  private draining = false;

  constructor(private readonly options: CommandDecisionsOptions<C, Tx>) {}

  /** Over a store whose transactions carry their ledger (`tx.ledger`), with group commit. */
  static over<C extends CommandKey, Tx extends { readonly ledger: ReplyLedger }>(
    store: { inTransaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> },
    options: Pick<CommandDecisionsOptions<C, Tx>, 'decide' | 'replies' | 'logger'>,
  ): CommandDecisions<C, Tx> {
    return new CommandDecisions<C, Tx>({ ...options, inTransaction: (work) => store.inTransaction(work), ledger: (tx) => tx.ledger, groupCommit: true });
  }

  handle(batch: readonly ReceivedCommand<C>[]): Promise<void> {
    if (batch.length === 0) return Promise.resolve();
    if (!this.options.groupCommit) return this.decideAndReply(batch);
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
        while (take < this.waiting.length && (take === 0 || commands + this.waiting[take].batch.length <= MAX_COMMANDS_PER_TRANSACTION)) {
          commands += this.waiting[take].batch.length;
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

  private async decideAndReply(batch: readonly ReceivedCommand<C>[]): Promise<void> {
    const { replies, afterCommit } = await this.options
      .inTransaction((tx) => this.decideBatch(tx, batch))
      .catch((err: unknown) => {
        // The transport retries a failed batch record by record, which finds the command at fault;
        // alone, a command whose data the store refuses is answered 400 at once, never retried.
        if (batch.length !== 1 || !isDataError(err)) throw err;
        return this.options.inTransaction((tx) => this.refuse(tx, batch[0], err));
      });
    // After the commit: a reply never announces a change that could still roll back.
    await this.options.replies.publish(replies);
    afterCommit?.();
  }

  private async decideBatch(tx: Tx, batch: readonly ReceivedCommand<C>[]): Promise<{ replies: OutgoingReply[]; afterCommit?: () => void }> {
    const ledger = this.options.ledger(tx);
    const fresh = await ledger.claim(batch.map((r) => r.command));
    // A command id seen twice in one batch is decided once, at its first position.
    const toDecide: ReceivedCommand<C>[] = [];
    const firstSeen = new Set<string>();
    for (const r of batch) {
      if (fresh.has(r.command.commandId) && !firstSeen.has(r.command.commandId)) toDecide.push(r);
      firstSeen.add(r.command.commandId);
    }
    const repeated = batch.filter((r) => !fresh.has(r.command.commandId));
    const stored = repeated.length > 0 ? await ledger.storedReplies(repeated.map((r) => r.command)) : new Map<string, CommandReply>();
    // Normal after a crash or rebalance (at-least-once delivery); frequent ones point at offset commits failing.
    if (repeated.length > 0) this.options.logger.info('redelivered commands answered from stored replies', { count: repeated.length });

    const decided = toDecide.length > 0 ? await this.options.decide(tx, toDecide) : { replies: [] };
    await ledger.saveReplies(decided.replies);

    const byId = new Map<string, CommandReply>([...stored, ...decided.replies.map((reply) => [reply.commandId, reply] as const)]);
    const replies: OutgoingReply[] = [];
    for (const r of batch) {
      const reply = byId.get(r.command.commandId);
      // Claimed long ago and its reply pruned: nobody can still be waiting for it.
      if (reply === undefined) this.options.logger.info('no stored reply for a redelivered command', { commandId: r.command.commandId });
      else replies.push({ reply, replyTo: r.replyTo, correlationId: r.correlationId });
    }
    return { replies, afterCommit: decided.afterCommit };
  }

  /** Stores and sends a 400 for a command the store cannot hold (its id claimed, so a redelivery gets the same answer). */
  private async refuse(tx: Tx, r: ReceivedCommand<C>, err: unknown): Promise<{ replies: OutgoingReply[]; afterCommit?: () => void }> {
    const { tenantId, commandId } = r.command;
    // The SQLSTATE only: a driver's message may quote the value.
    this.options.logger.warn('command refused: the store cannot hold a value it carries', { tenantId, commandId, sqlState: sqlStateOf(err) ?? (err as Error).name });
    const refused = new ScimError(400, 'invalidValue', 'The request holds a value that cannot be stored');
    let reply: CommandReply = { commandId, tenantId, status: 400, body: { ...refused.toResponse() } };
    const ledger = this.options.ledger(tx);
    const fresh = await ledger.claim([r.command]);
    if (fresh.has(commandId)) await ledger.saveReplies([reply]);
    else reply = (await ledger.storedReplies([r.command])).get(commandId) ?? reply;
    return { replies: [{ reply, replyTo: r.replyTo, correlationId: r.correlationId }] };
  }
}
