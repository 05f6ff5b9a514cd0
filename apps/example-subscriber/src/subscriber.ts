import { randomUUID } from 'node:crypto';
import { Kafka as CloudEventsKafka, type CloudEvent, type KafkaMessage as CloudEventsKafkaMessage } from 'cloudevents';
import type { Admin, Consumer, Kafka, KafkaMessage } from 'kafkajs';
import { Headers, Topics, type StateRecordValue } from '@app/contracts';
import type { Directory } from './directory';

export interface SubscriberOptions {
  kafka: Kafka;
  /** The subscriber's consumer group for the event topics, e.g. `crm-sync` (docs/consumers.md#consumer-groups). */
  groupId: string;
  /** Prefix of the platform's topic names (none in production). */
  topicPrefix?: string;
  directory: Directory;
  /**
   * How far before the bootstrap's start the event topics are read from: longer than a relay's
   * transaction can stay open plus any clock skew between the relay's host and this one. Events in
   * that margin that the state already covers are skipped by their sequence.
   */
  marginMs?: number;
  onEvent?: (event: CloudEvent<unknown>, applied: boolean) => void;
}

const STATE_TOPICS = [Topics.userState, Topics.groupState] as const;
const EVENT_TOPICS = [Topics.userEvents, Topics.groupEvents] as const;

/**
 * A downstream system's way in (docs/consumers.md): read the compacted state topics to their end,
 * then follow the event topics from a little before the bootstrap began, skipping per key the
 * events the state already covers. Nothing is missed (every event after the state's point is
 * read) and nothing is applied twice (sequences).
 */
export class Subscriber {
  private consumer?: Consumer;
  private readonly prefix: string;

  constructor(private readonly options: SubscriberOptions) {
    this.prefix = options.topicPrefix ?? '';
  }

  /** Bootstraps the directory from the state topics, then follows the events until stop(). */
  async start(): Promise<void> {
    const startedAt = Date.now();
    const admin = this.options.kafka.admin();
    await admin.connect();
    try {
      for (const topic of STATE_TOPICS) await this.readToEnd(admin, this.prefix + topic);
      this.options.directory.finishBootstrap();
      await this.positionEvents(admin, startedAt - (this.options.marginMs ?? 300_000));
    } finally {
      await admin.disconnect();
    }
    await this.follow();
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    this.consumer = undefined;
  }

  /**
   * Reads a compacted topic up to the end it had when the read began (its last stable offset,
   * so only committed transactions), in a throwaway consumer group deleted afterwards.
   */
  private async readToEnd(admin: Admin, topic: string): Promise<void> {
    const ends = await admin.fetchTopicOffsets(topic);
    const pending = new Map(ends.filter((p) => BigInt(p.high) > BigInt(p.low)).map((p) => [p.partition, BigInt(p.high)]));
    if (pending.size === 0) return;
    const groupId = `${this.options.groupId}.bootstrap.${randomUUID()}`;
    const consumer = this.options.kafka.consumer({ groupId, allowAutoTopicCreation: false });
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    // Batches of only transaction markers reach no handler, but this event: positions move past them too.
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      const end = pending.get(payload.partition);
      if (end !== undefined && BigInt(payload.lastOffset) + 1n >= end) pending.delete(payload.partition);
      if (pending.size === 0) done();
    });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          const end = ends.find((p) => p.partition === partition)!;
          if (BigInt(message.offset) >= BigInt(end.high)) return; // past the bootstrap's point: the events carry it
          this.options.directory.applyState(message.key!.toString('utf8'), stateValueOf(message), sequenceOf(message));
        },
      });
      await finished;
    } finally {
      await consumer.disconnect();
      await admin.deleteGroups([groupId]).catch(() => undefined);
    }
  }

  /**
   * Sets the subscriber's group on the event topics to the first offset at or after `from`.
   * Done only while the group has no member (kafkajs refuses otherwise), which is the case before follow().
   */
  private async positionEvents(admin: Admin, from: number): Promise<void> {
    for (const topic of EVENT_TOPICS) {
      const offsets = await admin.fetchTopicOffsetsByTimestamp(this.prefix + topic, from);
      await admin.setOffsets({ groupId: this.options.groupId, topic: this.prefix + topic, partitions: offsets.map((o) => ({ partition: o.partition, offset: o.offset })) });
    }
  }

  private async follow(): Promise<void> {
    const consumer = this.options.kafka.consumer({ groupId: this.options.groupId, allowAutoTopicCreation: false });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: EVENT_TOPICS.map((t) => this.prefix + t) });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const event = cloudEventOf(message);
        const applied = this.options.directory.applyEvent(event, sequenceOf(message));
        this.options.onEvent?.(event, applied);
      },
    });
  }
}

/** The CloudEvent of a record in either binding mode (structured or binary, Kafka protocol binding), read by the CNCF SDK. */
export function cloudEventOf(message: KafkaMessage): CloudEvent<unknown> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) if (value !== undefined) headers[name] = value.toString();
  const record: CloudEventsKafkaMessage<string> = { headers, key: message.key?.toString('utf8') ?? '', value: message.value?.toString('utf8') ?? '', body: undefined };
  const event = CloudEventsKafka.toEvent(record);
  if (Array.isArray(event)) throw new Error('a batch of CloudEvents where one event was expected');
  return event as CloudEvent<unknown>;
}

function sequenceOf(message: KafkaMessage): bigint {
  const header = message.headers?.[Headers.outboxSequence]?.toString();
  if (header === undefined || !/^\d+$/.test(header)) throw new Error(`record at offset ${message.offset} has no ${Headers.outboxSequence} header`);
  return BigInt(header);
}

function stateValueOf(message: KafkaMessage): StateRecordValue | null {
  return message.value === null ? null : (JSON.parse(message.value.toString('utf8')) as StateRecordValue);
}
