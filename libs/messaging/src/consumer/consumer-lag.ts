import type { Admin, Consumer, Kafka } from 'kafkajs';
import { ComponentLogger, ConsumerMetrics } from '@app/observability';
import { PeriodicTask } from '@app/scheduling';
import { TopicNames } from '../topic-names';

export interface ConsumerLagOptions {
  kafka: Kafka;
  groupId: string;
  topics: TopicNames;
  metrics: ConsumerMetrics;
  logger: ComponentLogger;
  /** How often the group's committed offsets are compared with the partitions' ends. */
  intervalMs: number;
}

/**
 * Records left to consume on a partition: from the furthest of the group's committed offset and
 * the position this instance has consumed to (which is ahead of the commit while a transactional
 * topic's commit markers are skipped), to the high watermark. With no commit yet the group starts
 * from the log start (`fromBeginning`).
 */
export function partitionLag(p: { highWatermark: bigint; low: bigint; committed: bigint | undefined; consumed: bigint | undefined }): bigint {
  const committed = p.committed !== undefined && p.committed >= 0n ? p.committed : p.low;
  const position = p.consumed !== undefined && p.consumed > committed ? p.consumed : committed;
  const lag = p.highWatermark - position;
  return lag > 0n ? lag : 0n;
}

/**
 * Keeps the `scim_kafka_consumer_lag` gauge of a consumer group current:
 * - at every batch, from kafkajs's batch events (`offsetLagLow` when it starts, `offsetLag` when
 *   it ends). The events also fire for batches of commit markers only, which never reach
 *   eachBatch, so a transactional topic does not show a lag of 1 forever;
 * - every `intervalMs`, from the broker (committed offsets against high watermarks, two admin
 *   requests per topic), so the lag still grows while a handler is stuck or nothing is fetched.
 * Every instance of a service reports every partition of the group; dashboards take the max.
 */
export class ConsumerLagMonitor {
  private admin?: Admin;
  /** Next offset this instance has consumed to, by "physical topic/partition". */
  private readonly consumed = new Map<string, bigint>();
  private readonly sampler: PeriodicTask;
  private physicalTopics: string[] = [];

  constructor(private readonly options: ConsumerLagOptions) {
    this.sampler = new PeriodicTask('measuring consumer lag', options.intervalMs, () => this.measure(), options.logger);
  }

  /** Listens to the consumer's batch events; call before `consumer.run`. */
  attach(consumer: Consumer): void {
    consumer.on(consumer.events.START_BATCH_PROCESS, ({ payload }) => {
      this.set(payload.topic, payload.partition, BigInt(payload.offsetLagLow) + 1n);
    });
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      this.set(payload.topic, payload.partition, BigInt(payload.offsetLag));
      this.consumed.set(`${payload.topic}/${payload.partition}`, BigInt(payload.lastOffset) + 1n);
    });
  }

  start(physicalTopics: string[]): void {
    this.physicalTopics = physicalTopics;
    this.sampler.start();
  }

  async stop(): Promise<void> {
    await this.sampler.stop();
    await this.admin?.disconnect().catch(() => undefined);
    this.admin = undefined;
  }

  /** Measures from the broker now (or joins the measurement under way); never rejects. */
  measureNow(): Promise<void> {
    return this.sampler.runOnce();
  }

  /** Reads the group's committed offsets and each topic's ends from the broker and sets the gauge. */
  private async measure(): Promise<void> {
    if (this.physicalTopics.length === 0) return;
    const admin = await this.connectedAdmin();
    const committed = await admin.fetchOffsets({ groupId: this.options.groupId, topics: this.physicalTopics });
    for (const { topic, partitions } of committed) {
      const ends = await admin.fetchTopicOffsets(topic);
      for (const end of ends) {
        const commit = partitions.find((p) => p.partition === end.partition);
        const lag = partitionLag({
          highWatermark: BigInt(end.high),
          low: BigInt(end.low),
          committed: commit ? BigInt(commit.offset) : undefined,
          consumed: this.consumed.get(`${topic}/${end.partition}`),
        });
        this.set(topic, end.partition, lag);
      }
    }
  }

  private set(physicalTopic: string, partition: number, lag: bigint): void {
    const labels = { topic: this.options.topics.logical(physicalTopic), partition: String(partition), group: this.options.groupId };
    this.options.metrics.lag.set(labels, Number(lag > 0n ? lag : 0n));
  }

  private async connectedAdmin(): Promise<Admin> {
    if (this.admin) return this.admin;
    const admin = this.options.kafka.admin();
    await admin.connect();
    this.admin = admin;
    return admin;
  }
}
