import { randomUUID } from 'node:crypto';
import { Kafka } from 'kafkajs';
import { CommandOf, CommandReply, CommandReplyRoutes, CommandTopic, Headers, PayloadTopic, TopicPayload, Topics } from '@app/contracts';
import { ConsumerKeeper, headersOf, RecordValidator, TopicNames, TypedProducer } from '@app/messaging';
import { ComponentLogger, currentCorrelation, isDependencyOutage } from '@app/observability';

/** Thrown when no decision arrived in time: the command may still apply (DESIGN: answer 503 + Retry-After). */
export class DecisionTimeoutError extends Error {
  constructor(
    readonly commandId: string,
    readonly timeoutMs: number,
  ) {
    super(`no decision for command ${commandId} within ${timeoutMs} ms; it may still be applied`);
    this.name = 'DecisionTimeoutError';
  }
}

interface Pending {
  resolve(reply: CommandReply): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * Thrown when a command could not be handed to Kafka (it is away): the gateway answers 503 with
 * Retry-After. Usually nothing was applied; a send that failed after the broker took it may
 * still apply, which a retry of the request finds (the decision is idempotent per command).
 */
export class CommandLogUnavailableError extends Error {
  constructor(
    detail: string,
    readonly retryAfterSeconds: number,
  ) {
    super(detail);
    this.name = 'CommandLogUnavailableError';
  }
}

/** While Kafka refuses commands, at most one command a second is tried; the rest are answered 503 at once. */
const OUTAGE_PROBE_INTERVAL_MS = 1_000;
/** What a client is told to wait when Kafka is away (RFC 9110 §10.2.3). */
const OUTAGE_RETRY_AFTER_SECONDS = 5;

/**
 * Sends commands to their owning service and waits for the decision. Each gateway instance has
 * its own id; commands name where their decision goes in their `reply-to` header:
 * - `http` (the default, docs/architecture.md "The decision's way back"): this instance's
 *   CommandReplyRoutes.deliver URL; the owning service POSTs each decided batch straight here.
 *   No broker hop, and no instance reads another's replies.
 * - `kafka`: the instance id; the owning service publishes to the reply topic, which this
 *   instance reads with a consumer group of its own (every partition, skipping others' replies).
 * (Not @nestjs/microservices' Kafka request-reply: its reply partitions break with several
 * instances and rebalances — see docs/architecture.md.)
 */
export class CommandBus {
  readonly instanceId = randomUUID();
  private readonly pending = new Map<string, Pending>();
  private readonly validator = new RecordValidator();
  private replies?: ConsumerKeeper;
  /** Set while commands cannot be sent (Kafka away): when it began and when a command was last tried. */
  private outage?: { since: number; lastTry: number };

  /** What goes in each command's reply-to header. */
  readonly replyTo: string;

  constructor(
    private readonly kafka: Kafka,
    private readonly producer: TypedProducer,
    private readonly topics: TopicNames,
    private readonly logger: ComponentLogger,
    /** Base URL at which the owning services reach this instance; unset: replies come through the reply topic. */
    private readonly replyBaseUrl?: string,
  ) {
    this.replyTo = replyBaseUrl ? `${replyBaseUrl.replace(/\/+$/, '')}${CommandReplyRoutes.deliver.path({ instanceId: this.instanceId })}` : this.instanceId;
  }

  /** With Kafka replies: joins the reply topic; resolves once partitions are assigned, so no reply can be missed. */
  async start(): Promise<void> {
    if (this.replyBaseUrl) return;
    let joined!: () => void;
    const firstJoin = new Promise<void>((resolve) => (joined = resolve));
    this.replies = new ConsumerKeeper({
      name: 'reply consumer',
      logger: this.logger,
      create: () =>
        this.kafka.consumer({
          groupId: this.topics.physical(`scim-gateway.replies.${this.instanceId}`),
          allowAutoTopicCreation: false,
          maxWaitTimeInMs: 100,
          // A group of one: after a broker restart its rejoin must not wait out a long session
          // of its own former member (kafkajs' 30 s default held replies back that long).
          sessionTimeout: 6_000,
          rebalanceTimeout: 6_000,
          heartbeatInterval: 1_000,
        }),
      run: async (consumer) => {
        consumer.on(consumer.events.GROUP_JOIN, () => joined());
        await consumer.connect();
        await consumer.subscribe({ topic: this.topics.physical(Topics.commandReplies), fromBeginning: false });
        await consumer.run({
          autoCommit: false, // a group of one that only cares about replies from now on
          eachBatch: async ({ batch }) => {
            for (const message of batch.messages) {
              if (headersOf(message)[Headers.replyTo] !== this.instanceId) continue;
              try {
                this.settle(this.validator.parse(Topics.commandReplies, message.value) as CommandReply);
              } catch (err) {
                // A reply that does not parse cannot be matched to its waiter; the waiter times out (503).
                this.logger.error('unreadable command reply skipped', { error: err as Error, offset: message.offset });
              }
            }
          },
        });
      },
    });
    await this.replies.start();
    await firstJoin;
  }

  async stop(): Promise<void> {
    for (const [commandId, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new DecisionTimeoutError(commandId, 0));
    }
    this.pending.clear();
    await this.replies?.stop();
  }

  /** Readiness: with Kafka replies, the reply consumer is in its group (else no write could be answered). */
  readinessCheck(): { name: string; check(): Promise<void> } {
    return {
      name: 'replies',
      check: async () => {
        if (!this.replyBaseUrl && !this.replies?.joined) throw new Error('reply consumer not in its group');
      },
    };
  }

  /** Decisions delivered over HTTP; false when they were meant for another (earlier) instance. */
  deliver(instanceId: string, replies: readonly CommandReply[]): boolean {
    if (instanceId !== this.instanceId) return false;
    for (const reply of replies) this.settle(reply);
    return true;
  }

  get inFlight(): number {
    return this.pending.size;
  }

  /**
   * Publishes the command (keyed by tenant: one tenant's commands apply in order) and waits for
   * its reply. Rejects with DecisionTimeoutError when no decision comes within `timeoutMs` (the
   * command may still apply), or with CommandLogUnavailableError when the command could not be
   * handed to Kafka. One promise, settled exactly once, whatever happens first.
   */
  dispatch<T extends CommandTopic>(topic: T, tenantId: string, command: CommandOf<T>, timeoutMs: number): Promise<CommandReply> {
    const commandId = randomUUID();
    const envelope = Object.assign({ commandId, tenantId, issuedAt: new Date().toISOString() }, command);
    if (this.outage && Date.now() - this.outage.lastTry < OUTAGE_PROBE_INTERVAL_MS) {
      return Promise.reject(this.unavailable(Date.now() - this.outage.since));
    }
    if (this.outage) this.outage.lastTry = Date.now();
    return new Promise<CommandReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(commandId);
        reject(new DecisionTimeoutError(commandId, timeoutMs));
      }, timeoutMs);
      this.pending.set(commandId, { resolve, reject, timer });
      this.producer
        .send(topic as PayloadTopic, [
          {
            key: tenantId,
            value: envelope as TopicPayload<T>,
            headers: {
              [Headers.messageId]: commandId,
              [Headers.replyTo]: this.replyTo,
              [Headers.tenantId]: tenantId,
              ...(currentCorrelation()?.correlationId ? { [Headers.correlationId]: currentCorrelation()!.correlationId } : {}),
            },
          },
        ])
        .then(
          () => this.sendSucceeded(),
          (err: unknown) => {
            this.sendFailed(err);
            const p = this.pending.get(commandId);
            if (!p) return; // the client was already answered 503 (timeout); the send may or may not have landed
            clearTimeout(p.timer);
            this.pending.delete(commandId);
            p.reject(isDependencyOutage(err) ? this.unavailable(0) : (err as Error));
          },
        );
    });
  }

  private sendSucceeded(): void {
    if (!this.outage) return;
    this.logger.info('commands are sent again', { outageMs: Date.now() - this.outage.since });
    this.outage = undefined;
  }

  private sendFailed(err: unknown): void {
    if (!isDependencyOutage(err)) {
      this.logger.error('a command could not be sent', { error: err as Error });
      return;
    }
    if (!this.outage) {
      this.logger.error('commands cannot be sent: Kafka is unavailable; answering 503 until it is back', { error: err as Error });
      this.outage = { since: Date.now(), lastTry: Date.now() };
    }
  }

  private unavailable(forMs: number): CommandLogUnavailableError {
    const detail =
      forMs > 0
        ? `The command log has been unavailable for ${Math.round(forMs / 1000)} s; this request was not applied`
        : 'The command log is unavailable; this request may not have been taken (retrying it is safe)';
    return new CommandLogUnavailableError(detail, OUTAGE_RETRY_AFTER_SECONDS);
  }

  private settle(reply: CommandReply): void {
    const p = this.pending.get(reply.commandId);
    if (!p) {
      this.logger.debug('reply for a command no longer waited for', { commandId: reply.commandId });
      return;
    }
    clearTimeout(p.timer);
    this.pending.delete(reply.commandId);
    p.resolve(reply);
  }
}
