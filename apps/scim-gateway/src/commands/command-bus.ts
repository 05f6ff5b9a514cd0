import { randomUUID } from 'node:crypto';
import { Consumer, Kafka } from 'kafkajs';
import { CommandEnvelope, CommandReply, Headers, PayloadTopic, TopicPayload, Topics } from '@app/contracts';
import { headersOf, RecordValidator, TopicNames, TypedProducer } from '@app/messaging';
import { ComponentLogger, currentCorrelation } from '@app/observability';

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

type CommandTopic = typeof Topics.userCommands | typeof Topics.groupCommands;

/**
 * Sends commands to their owning service and waits for the decision. Each gateway instance has
 * its own id and its own reply consumer (a consumer group of one, reading every partition of the
 * reply topic from the moment it joined); commands name the instance in their `reply-to` header
 * and the owning service sends the reply there. Replies meant for other instances are skipped.
 * (Not @nestjs/microservices' Kafka request-reply: its reply partitions break with several
 * instances and rebalances — see docs/architecture.md.)
 */
export class CommandBus {
  readonly instanceId = randomUUID();
  private readonly pending = new Map<string, Pending>();
  private readonly validator = new RecordValidator();
  private consumer?: Consumer;

  constructor(
    private readonly kafka: Kafka,
    private readonly producer: TypedProducer,
    private readonly topics: TopicNames,
    private readonly logger: ComponentLogger,
  ) {}

  /** Joins the reply topic; resolves once partitions are assigned, so no reply can be missed. */
  async start(): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: this.topics.physical(`scim-gateway.replies.${this.instanceId}`),
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 100,
    });
    this.consumer = consumer;
    await consumer.connect();
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.subscribe({ topic: this.topics.physical(Topics.commandReplies), fromBeginning: false });
    await consumer.run({
      autoCommit: false, // a group of one that only cares about replies from now on
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          if (headersOf(message)[Headers.replyTo] !== this.instanceId) continue;
          this.settle(this.validator.parse(Topics.commandReplies, message.value) as CommandReply);
        }
      },
    });
    await joined;
  }

  async stop(): Promise<void> {
    for (const [commandId, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new DecisionTimeoutError(commandId, 0));
    }
    this.pending.clear();
    await this.consumer?.disconnect();
  }

  get inFlight(): number {
    return this.pending.size;
  }

  /** Publishes the command (keyed by tenant: one tenant's commands apply in order) and waits for its reply. */
  async dispatch<T extends CommandTopic>(
    topic: T,
    command: Omit<CommandEnvelope, 'commandId' | 'issuedAt'> & Partial<Pick<CommandEnvelope, 'commandId'>>,
    timeoutMs: number,
  ): Promise<CommandReply> {
    const envelope = { ...command, commandId: command.commandId ?? randomUUID(), issuedAt: new Date().toISOString() };
    const reply = new Promise<CommandReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(envelope.commandId);
        reject(new DecisionTimeoutError(envelope.commandId, timeoutMs));
      }, timeoutMs);
      this.pending.set(envelope.commandId, { resolve, reject, timer });
    });
    try {
      await this.producer.send(topic as PayloadTopic, [
        {
          key: envelope.tenantId,
          value: envelope as TopicPayload<T>,
          headers: {
            [Headers.messageId]: envelope.commandId,
            [Headers.replyTo]: this.instanceId,
            [Headers.tenantId]: envelope.tenantId,
            ...(currentCorrelation()?.correlationId ? { [Headers.correlationId]: currentCorrelation()!.correlationId } : {}),
          },
        },
      ]);
    } catch (err) {
      const p = this.pending.get(envelope.commandId);
      if (p) clearTimeout(p.timer);
      this.pending.delete(envelope.commandId);
      throw err;
    }
    return reply;
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
