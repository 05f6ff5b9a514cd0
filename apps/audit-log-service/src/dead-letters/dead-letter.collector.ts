import type { Kafka, Producer } from 'kafkajs';
import { CONSUMED_TOPICS, deadLetterTopicOf } from '@app/contracts';
import { ConsumerKeeper, type TopicNames } from '@app/messaging';
import type { ComponentLogger } from '@app/observability';
import { collectDeadLetter } from '../domain/dead-letter';
import type { DeadLetterService, ReplayPublisher } from './dead-letter.service';

/**
 * Reads every `<topic>.dlt` from the beginning, in a consumer group of its own, into the audit
 * log's dead letters. Stored by the record's dead-letter coordinates, so a batch read again after
 * a crash is stored once; offsets are committed by kafkajs after each batch is stored.
 */
export class DeadLetterCollector {
  private readonly keeper: ConsumerKeeper;

  constructor(
    kafka: Kafka,
    private readonly topics: TopicNames,
    groupId: string,
    private readonly service: DeadLetterService,
    private readonly logger: ComponentLogger,
  ) {
    this.keeper = new ConsumerKeeper({
      name: 'dead-letter collector',
      logger,
      create: () => kafka.consumer({ groupId, allowAutoTopicCreation: false, maxBytesPerPartition: 4 * 1_048_576 }),
      run: async (consumer) => {
        await consumer.connect();
        await consumer.subscribe({ topics: CONSUMED_TOPICS.map((t) => this.topics.physical(deadLetterTopicOf(t))), fromBeginning: true });
        await consumer.run({
          eachBatch: async ({ batch }) => {
            const logical = this.topics.logical(batch.topic);
            const letters = batch.messages.map((m) => collectDeadLetter(logical, batch.partition, m));
            const stored = await this.service.collect(letters);
            if (stored > 0) this.logger.warn('dead letters collected', { topic: logical, stored });
          },
        });
      },
    });
  }

  start(): Promise<void> {
    return this.keeper.start();
  }

  stop(): Promise<void> {
    return this.keeper.stop();
  }

  get joined(): boolean {
    return this.keeper.joined;
  }
}

/** Replays through an idempotent producer of the audit log's own, one message at a time (in order, each with its offset). */
export class KafkaReplayPublisher implements ReplayPublisher {
  private producer?: Promise<Producer>;

  constructor(
    private readonly kafka: Kafka,
    private readonly topics: TopicNames,
  ) {}

  async publish(topic: string, message: { key: Buffer | null; value: Buffer | null; headers: Record<string, string> }): Promise<{ partition: number; offset: string }> {
    const producer = await this.connected();
    const [meta] = await producer.send({ topic: this.topics.physical(topic), acks: -1, messages: [{ key: message.key, value: message.value, headers: message.headers }] });
    return { partition: meta.partition, offset: meta.baseOffset ?? String(meta.offset ?? '-1') };
  }

  async close(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await (await producer?.catch(() => undefined))?.disconnect();
  }

  private connected(): Promise<Producer> {
    if (!this.producer) {
      const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
      this.producer = producer.connect().then(
        () => producer,
        (err: unknown) => {
          this.producer = undefined;
          throw err;
        },
      );
    }
    return this.producer;
  }
}
