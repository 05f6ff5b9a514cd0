import { Admin, Kafka, Message, Partitioners, Producer } from 'kafkajs';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { binaryRecordOf, type CloudEventsMode, Headers, isCloudEventEnvelope, stateRecordsOf, Topics } from '@app/contracts';
import { ComponentLogger, MetricsRegistry, OutboxMetrics, outboxMetricsOf } from '@app/observability';
import { PeriodicTask } from '@app/scheduling';
import { TopicNames } from '../topic-names';
import { ADVISORY_LOCK_NAMESPACE, AdvisoryLocks } from '@app/persistence';
import { OUTBOX_NOTIFY_CHANNEL } from './outbox-writer';

export interface OutboxRelayOptions {
  dataSource: DataSource;
  /** Connection string for the relay's own session (leader lock and LISTEN). */
  databaseUrl: string;
  kafka: Kafka;
  topics: TopicNames;
  /** Names the relay's transactional id and checkpoint; the same for every instance of a service. */
  relayId: string;
  logger: ComponentLogger;
  batchSize?: number;
  /** Longest wait between looks at the outbox when no notification arrives. */
  pollIntervalMs?: number;
  /**
   * Shortest time between two Kafka transactions while the backlog is small: a transaction costs
   * the broker several requests and a marker per partition, so under load events are published in
   * groups (at most this much later) rather than one transaction per database commit.
   */
  minBatchIntervalMs?: number;
  /** Fault injection for crash tests: called after the Kafka commit, before rows are marked. */
  afterPublish?: (ids: string[]) => void;
  /** When set: the backlog (measured every `backlogIntervalMs`) and published events are recorded here. */
  metrics?: MetricsRegistry;
  /** How often the unpublished rows are counted (default 15 s); every instance counts, leader or not. */
  backlogIntervalMs?: number;
  /**
   * Records published with each row, in the same transaction (default: the state records of
   * libs/contracts' state topics). Computed from the row alone, so they need no outbox row of
   * their own and exist exactly when the row's event does.
   */
  derive?: DeriveRecords;
  /** How CloudEvents rows go on Kafka (default structured); other rows are published as they are. */
  cloudEventsMode?: CloudEventsMode;
}

/** A record derived from an outbox row; `value: null` is a tombstone. */
export interface DerivedRecord {
  topic: string;
  key: string;
  value: unknown;
}

export type DeriveRecords = (topic: string, payload: unknown) => readonly DerivedRecord[];

export interface OutboxRow {
  id: string;
  topic: string;
  key: string;
  headers: Record<string, string>;
  payload: unknown;
}

/**
 * Publishes the outbox to Kafka, exactly once as read_committed consumers see it.
 *
 * - One leader per database: the instance holding a session advisory lock publishes; others
 *   wait and take over when its session ends (crash included).
 * - Each batch is one Kafka transaction that carries the events and, through `sendOffsets`, a
 *   checkpoint "every outbox id up to N is published" (the committed offset of a consumer group
 *   that exists only for this). The rows are deleted afterwards: once on Kafka, an event lives
 *   there (the topic's retention), and keeping it in the table too made every create cost its
 *   event's bytes twice over and a second write (an UPDATE, later a DELETE). If the process dies
 *   between the commit and the delete, the next leader reads the checkpoint and deletes those rows
 *   instead of publishing them again. A transaction cut short is aborted by the next leader's
 *   initTransactions (same transactional id), which also fences a stalled old leader.
 * - Ids are in commit order (appendToOutbox), so the checkpoint never covers an unpublished row.
 */
export class OutboxRelay {
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly checkpointGroup: string;
  private readonly transactionalId: string;
  private session?: Client;
  private producer?: Producer;
  private admin?: Admin;
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private lastCleanup = 0;
  private lastPublishAt = 0;
  private readonly minBatchIntervalMs: number;
  private readonly metrics?: OutboxMetrics;
  private readonly backlogSampler?: PeriodicTask;
  private readonly derive: DeriveRecords;

  constructor(private readonly options: OutboxRelayOptions) {
    this.batchSize = options.batchSize ?? 500;
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
    this.minBatchIntervalMs = options.minBatchIntervalMs ?? 100;
    this.checkpointGroup = options.topics.physical(`outbox-relay.${options.relayId}`);
    this.transactionalId = this.checkpointGroup;
    this.derive = options.derive ?? stateRecordsOf;
    if (options.metrics) {
      const metrics = outboxMetricsOf(options.metrics);
      this.metrics = metrics;
      this.backlogSampler = new PeriodicTask('measuring outbox backlog', options.backlogIntervalMs ?? 15_000, () => this.measureBacklog(metrics), options.logger);
    }
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
    this.backlogSampler?.start();
  }

  /** Finishes the batch in flight, releases leadership and disconnects. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.backlogSampler?.stop();
    await this.loop;
    await this.resign();
  }

  get isLeader(): boolean {
    return this.producer !== undefined;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        if (!this.isLeader && !(await this.tryLead())) {
          await this.idle(1000);
          continue;
        }
        const sinceLast = Date.now() - this.lastPublishAt;
        if (sinceLast < this.minBatchIntervalMs) await new Promise((r) => setTimeout(r, this.minBatchIntervalMs - sinceLast));
        const published = await this.publishBatch();
        failures = 0;
        await this.cleanupIfDue();
        if (published < this.batchSize) await this.idle(this.pollIntervalMs);
      } catch (err) {
        failures += 1;
        this.options.logger.error('outbox relay failed; resigning and retrying', { error: err as Error, failures });
        await this.resign();
        await this.idle(Math.min(10_000, 250 * 2 ** Math.min(failures, 6)));
      }
    }
  }

  private async tryLead(): Promise<boolean> {
    const session = new Client({ connectionString: this.options.databaseUrl, application_name: `${this.options.relayId}-outbox-relay` });
    session.on('error', () => undefined); // a dropped session surfaces on the next query
    await session.connect();
    const { rows } = await session.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS locked', [ADVISORY_LOCK_NAMESPACE, AdvisoryLocks.outboxRelayLeader]);
    if (!rows[0].locked) {
      await session.end();
      return false;
    }
    this.session = session;
    await session.query(`LISTEN ${OUTBOX_NOTIFY_CHANNEL}`);
    session.on('notification', () => this.wake?.());

    const producer = this.options.kafka.producer({
      transactionalId: this.transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect(); // InitProducerId: aborts a predecessor's open transaction and fences it
    this.admin = this.options.kafka.admin();
    await this.admin.connect();
    this.producer = producer;
    await this.recover();
    this.options.logger.info('outbox relay leads', { transactionalId: this.transactionalId });
    return true;
  }

  /** Deletes rows a previous leader published but did not live to delete. */
  private async recover(): Promise<void> {
    const checkpoint = await this.readCheckpoint();
    if (checkpoint === null) return;
    const deleted = await this.options.dataSource.query('DELETE FROM outbox WHERE id <= $1', [checkpoint]);
    const count = Array.isArray(deleted) ? (deleted[1] ?? 0) : 0;
    if (count > 0) this.options.logger.warn('deleted rows published by a previous leader', { count, checkpoint });
  }

  private async readCheckpoint(): Promise<string | null> {
    const topic = this.options.topics.physical(Topics.outboxCheckpoints);
    const offsets = await this.admin!.fetchOffsets({ groupId: this.checkpointGroup, topics: [topic] });
    const p0 = offsets[0]?.partitions.find((p) => p.partition === 0);
    return p0 && Number(p0.offset) >= 0 ? p0.offset : null;
  }

  private async publishBatch(): Promise<number> {
    const rows: OutboxRow[] = await this.options.dataSource.query('SELECT id, topic, key, headers, payload FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT $1', [
      this.batchSize,
    ]);
    if (rows.length === 0) return 0;
    this.lastPublishAt = Date.now();
    const ids = rows.map((r) => r.id);
    const transaction = await this.producer!.transaction();
    try {
      await transaction.sendBatch({ acks: -1, topicMessages: messagesOf(rows, this.derive, this.options.topics, this.options.cloudEventsMode) });
      await transaction.sendOffsets({
        consumerGroupId: this.checkpointGroup,
        topics: [
          {
            topic: this.options.topics.physical(Topics.outboxCheckpoints),
            partitions: [{ partition: 0, offset: ids[ids.length - 1] }],
          },
        ],
      });
      await transaction.commit();
    } catch (err) {
      await transaction.abort().catch(() => undefined);
      throw err;
    }
    for (const { topic, count } of countByTopic(rows)) this.metrics?.published.inc({ topic }, count);
    this.options.afterPublish?.(ids);
    await this.options.dataSource.query('DELETE FROM outbox WHERE id = ANY($1::bigint[])', [ids]);
    return rows.length;
  }

  /** Two index-only lookups on the partial index of unpublished rows: cheap at any backlog. */
  private async measureBacklog(metrics: OutboxMetrics): Promise<void> {
    const [row]: Array<{ unpublished: string; oldest_age_seconds: number | null }> = await this.options.dataSource.query(
      `SELECT count(*) AS unpublished,
              extract(epoch FROM now() - (SELECT created_at FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT 1))::float8 AS oldest_age_seconds
         FROM outbox WHERE published_at IS NULL`,
    );
    metrics.unpublished.set(Number(row.unpublished));
    metrics.oldestUnpublishedAge.set(Math.max(0, row.oldest_age_seconds ?? 0));
  }

  /** Rows marked published by a version that kept them (before rows were deleted on publishing). */
  private async cleanupIfDue(): Promise<void> {
    if (Date.now() - this.lastCleanup < 60_000) return;
    this.lastCleanup = Date.now();
    await this.options.dataSource.query(`DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE published_at IS NOT NULL LIMIT 10000)`);
  }

  private idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  private async resign(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await producer?.disconnect().catch(() => undefined);
    await this.admin?.disconnect().catch(() => undefined);
    this.admin = undefined;
    // Ending the session releases the advisory lock.
    await this.session?.end().catch(() => undefined);
    this.session = undefined;
  }
}

function countByTopic(rows: OutboxRow[]): Array<{ topic: string; count: number }> {
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(row.topic, (counts.get(row.topic) ?? 0) + 1);
  return [...counts].map(([topic, count]) => ({ topic, count }));
}

/**
 * Each row's event, then the records derived from it, grouped by physical topic in row order.
 * Every one carries the row's id as `outbox-sequence`: per owning service it grows in commit
 * order, so a subscriber can tell which events a state record already covers. A CloudEvent goes
 * out in the binding mode asked for (its row holds the structured envelope either way).
 */
export function messagesOf(
  rows: readonly OutboxRow[],
  derive: DeriveRecords,
  topics: TopicNames,
  mode: CloudEventsMode = 'structured',
): Array<{ topic: string; messages: Message[] }> {
  const byTopic = new Map<string, Message[]>();
  const add = (logical: string, message: Message) => {
    const topic = topics.physical(logical);
    const messages = byTopic.get(topic) ?? [];
    messages.push(message);
    byTopic.set(topic, messages);
  };
  for (const row of rows) {
    const sequence = { [Headers.outboxSequence]: row.id };
    if (mode === 'binary' && isCloudEventEnvelope(row.payload)) {
      const binary = binaryRecordOf(row.payload);
      add(row.topic, { key: row.key, value: binary.value, headers: { ...row.headers, ...binary.headers, ...sequence } });
    } else {
      add(row.topic, { key: row.key, value: JSON.stringify(row.payload), headers: { ...row.headers, ...sequence } });
    }
    for (const derived of derive(row.topic, row.payload)) {
      add(derived.topic, { key: derived.key, value: derived.value === null ? null : JSON.stringify(derived.value), headers: { ...sequence } });
    }
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}
