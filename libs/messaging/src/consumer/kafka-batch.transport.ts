import { CustomTransportStrategy, MessageHandler, Server } from '@nestjs/microservices';
import { EachBatchPayload, Kafka, KafkaMessage, Partitioners, Producer } from 'kafkajs';
import { context as traceContext, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { isObservable, lastValueFrom } from 'rxjs';
import { deadLetterTopicOf, Headers } from '@app/contracts';
import { isDataError } from '@app/persistence';
import {
  ComponentLogger,
  ConsumerMetrics,
  consumerMetricsOf,
  contextFromHeaders,
  failSpan,
  isDependencyOutage,
  MetricsRegistry,
  runWithCorrelation,
  traceHeadersOf,
  tracer,
} from '@app/observability';
import { TopicNames } from '../topic-names';
import { ConsumerKeeper } from './consumer-keeper';
import { ConsumerLagMonitor } from './consumer-lag';
import { NonRetryableError } from './errors';
import { headersOf, InboundMessage, KafkaBatchContext } from './inbound-message';
import { RecordValidator } from './record-validator';

export interface KafkaBatchTransportOptions {
  kafka: Kafka;
  groupId: string;
  topics: TopicNames;
  logger: ComponentLogger;
  /** Attempts per record before it is dead-lettered (the first try included). */
  maxAttempts?: number;
  /** First retry delay; doubles per attempt. */
  retryBackoffMs?: number;
  partitionsConsumedConcurrently?: number;
  sessionTimeoutMs?: number;
  fetchMinBytes?: number;
  fetchMaxWaitMs?: number;
  /** JSON Schemas for topics the contracts do not declare (tests use their own topics). */
  extraSchemas?: Record<string, object>;
  /**
   * Called after a batch's handlers returned and before its offsets are committed. Fault
   * injection for crash tests; production code leaves it unset.
   */
  beforeCommit?: (messages: InboundMessage[]) => void;
  /** When set: consumer lag, records consumed, batch durations and dead letters are recorded here. */
  metrics?: MetricsRegistry;
  /** How often the group's lag is also read from the broker (default 30 s); needs `metrics`. */
  lagIntervalMs?: number;
}

/** `@EventPattern(topic, { batch: true })`: the handler takes InboundMessage[] of one partition. */
export interface BatchHandlerExtras {
  batch?: boolean;
}

type Outcome = { ok: true } | { ok: false; error: Error; attempts: number } | { ok: false; stale: true };

/** Longest wait between two tries of a batch while a dependency (Postgres, Kafka) is away. */
const OUTAGE_MAX_BACKOFF_MS = 5_000;

/**
 * A Nest microservice transport over kafkajs `eachBatch` with manual offset commits.
 * Handlers stay `@EventPattern(topic)` methods (patterns are logical topic names).
 * - Each record is parsed and validated against its topic's JSON Schema; a bad one is
 *   dead-lettered at once.
 * - A failing handler is retried with backoff, `maxAttempts` times in all; then the record goes
 *   to `<topic>.dlt` with the error and its original key, value and headers, and the partition
 *   moves on. Only failures of the platform (a database or broker away) are retried: a
 *   NonRetryableError, or a failure caused by the record's own data (isDataError: Postgres
 *   data exceptions, a too-deep structure), is dead-lettered at once, so a record that can
 *   never succeed never holds the other tenants whose commands share its partition. Batch handlers that
 *   fail are retried record by record, so one poison record cannot hold back its neighbours.
 * - A failure that is a dependency outage (Postgres or Kafka away) is not the record's fault:
 *   the batch is tried again, with backoff up to 5 s and heartbeats, until the dependency is
 *   back, and nothing is dead-lettered for it.
 * - A consumer that kafkajs gives up on after a crash is replaced (ConsumerKeeper).
 * - Offsets are committed after the batch's effects; handlers must be idempotent (at-least-once).
 * - close() lets the batch in flight finish and commit before leaving the group.
 */
export class KafkaBatchTransport extends Server implements CustomTransportStrategy {
  private keeper?: ConsumerKeeper;
  private dltProducer?: Producer;
  /** Partitions assigned at the last rebalance; -1 until the group is joined (or no handlers). */
  private assignedPartitions = -1;
  private readonly validator: RecordValidator;
  private readonly maxAttempts: number;
  private readonly retryBackoffMs: number;
  private readonly metrics?: ConsumerMetrics;
  private lagMonitor?: ConsumerLagMonitor;

  constructor(private readonly options: KafkaBatchTransportOptions) {
    super();
    this.validator = new RecordValidator(options.extraSchemas);
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 3);
    this.retryBackoffMs = options.retryBackoffMs ?? 200;
    this.metrics = options.metrics ? consumerMetricsOf(options.metrics) : undefined;
  }

  async listen(callback: (err?: unknown) => void): Promise<void> {
    try {
      await this.start();
      callback();
    } catch (err) {
      callback(err);
    }
  }

  private async start(): Promise<void> {
    const { kafka, groupId, topics } = this.options;
    const subscribed = [...this.messageHandlers.keys()];
    if (subscribed.length === 0) {
      this.options.logger.info('no @EventPattern handlers; not joining a consumer group', { groupId });
      return;
    }
    this.dltProducer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await this.dltProducer.connect();
    const subscribedTopics = subscribed.map((t) => topics.physical(t));
    this.keeper = new ConsumerKeeper({
      name: `consumer group ${groupId}`,
      logger: this.options.logger,
      create: () =>
        kafka.consumer({
          groupId,
          allowAutoTopicCreation: false,
          sessionTimeout: this.options.sessionTimeoutMs ?? 30000,
          minBytes: this.options.fetchMinBytes ?? 1,
          maxWaitTimeInMs: this.options.fetchMaxWaitMs ?? 100,
          heartbeatInterval: 2000,
        }),
      run: async (consumer) => {
        consumer.on(consumer.events.GROUP_JOIN, (e) => {
          this.assignedPartitions = Object.values(e.payload.memberAssignment).reduce((n, partitions) => n + partitions.length, 0);
        });
        consumer.on(consumer.events.CRASH, () => {
          this.assignedPartitions = -1;
        });
        this.lagMonitor?.attach(consumer);
        await consumer.connect();
        await consumer.subscribe({ topics: subscribedTopics, fromBeginning: true });
        await consumer.run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
          eachBatch: (payload) => this.onBatch(payload),
        });
      },
    });
    if (this.metrics) {
      this.lagMonitor = new ConsumerLagMonitor({
        kafka,
        groupId,
        topics,
        metrics: this.metrics,
        logger: this.options.logger,
        intervalMs: this.options.lagIntervalMs ?? 30_000,
      });
    }
    await this.keeper.start();
    this.lagMonitor?.start(subscribed.map((t) => topics.physical(t)));
    this.options.logger.info('consuming', { groupId, topics: subscribed });
  }

  private async onBatch({ batch, resolveOffset, heartbeat, isStale, commitOffsetsIfNecessary }: EachBatchPayload): Promise<void> {
    if (batch.messages.length === 0) return;
    const logical = this.options.topics.logical(batch.topic);
    const handler = this.getHandlerByPattern(logical);
    if (!handler) throw new Error(`no handler for topic ${logical}`);
    const receivedAt = performance.now();

    const valid: InboundMessage[] = [];
    for (const raw of batch.messages) {
      const decoded = this.decode(logical, batch.partition, raw);
      if (decoded.ok) valid.push(decoded.message);
      else await this.deadLetter(batch.topic, batch.partition, raw, decoded.error, 0);
    }

    const startedAt = performance.now();
    const isBatch = (handler.extras as BatchHandlerExtras | undefined)?.batch === true;
    if (isBatch && valid.length > 0) {
      const whole = await this.attempt(() => this.invoke(handler, valid, true), 1, heartbeat, isStale);
      if (!whole.ok && 'stale' in whole) return;
      if (!whole.ok) {
        this.options.logger.warn('batch failed; retrying its records one by one', {
          topic: logical,
          partition: batch.partition,
          error: whole.error.message,
        });
        if (!(await this.eachRecord(valid, (m) => this.invoke(handler, [m], true), heartbeat, isStale))) return;
      }
    } else if (!(await this.eachRecord(valid, (m) => this.invoke(handler, m, false), heartbeat, isStale))) {
      return;
    }
    if (isStale()) return; // partition was revoked mid-batch; its new owner reprocesses (idempotently).

    this.options.beforeCommit?.(valid);
    this.options.logger.debug('batch handled', {
      topic: logical,
      partition: batch.partition,
      records: batch.messages.length,
      ms: Math.round(performance.now() - startedAt),
    });
    const last = batch.messages[batch.messages.length - 1];
    resolveOffset(last.offset);
    // Through the batch's own commit (not consumer.commitOffsets, which kafkajs skips once the
    // consumer is stopping), so that a batch finished during shutdown is committed too.
    await commitOffsetsIfNecessary({
      topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() }] }],
    });
    this.metrics?.consumed.inc({ topic: logical, group: this.options.groupId }, batch.messages.length);
    this.metrics?.batchDuration.observe({ topic: logical, group: this.options.groupId }, (performance.now() - receivedAt) / 1000);
    await heartbeat();
  }

  /** Runs each record in order; false when the partition was revoked on the way (nothing to commit). */
  private async eachRecord(messages: InboundMessage[], run: (m: InboundMessage) => Promise<void>, heartbeat: () => Promise<void>, isStale: () => boolean): Promise<boolean> {
    for (const m of messages) {
      if (isStale()) return false;
      const outcome = await this.attempt(() => run(m), this.maxAttempts, heartbeat, isStale);
      if (!outcome.ok && 'stale' in outcome) return false;
      if (!outcome.ok) {
        await this.deadLetter(this.options.topics.physical(m.topic), m.partition, m.raw, outcome.error, outcome.attempts);
      }
      await heartbeat();
    }
    return true;
  }

  /**
   * Tries `fn` up to `maxAttempts` times with doubling backoff. Outages do not count as
   * attempts: while Postgres or Kafka is away the same work is tried again (backoff up to 5 s,
   * heartbeats in between so the group keeps the partition) until it succeeds or the partition
   * is revoked.
   */
  private async attempt(fn: () => Promise<void>, maxAttempts: number, heartbeat: () => Promise<void>, isStale: () => boolean): Promise<Outcome> {
    let attempts = 0;
    let outages = 0;
    for (;;) {
      try {
        await fn();
        if (outages > 0) this.options.logger.info('dependency back; batch handled', { outages });
        return { ok: true };
      } catch (err) {
        const error = err instanceof Error ? err : new Error(describeError(err));
        if (isDependencyOutage(error)) {
          outages += 1;
          if (outages === 1 || outages % 12 === 0) this.options.logger.warn('a dependency is unavailable; retrying the batch until it is back', { error: error.message, outages });
          await sleep(Math.min(OUTAGE_MAX_BACKOFF_MS, this.retryBackoffMs * 2 ** Math.min(outages - 1, 8)));
          await heartbeat();
          if (isStale()) return { ok: false, stale: true };
          continue;
        }
        attempts += 1;
        if (!isRetryable(error) || attempts >= maxAttempts) return { ok: false, error, attempts };
        await sleep(this.retryBackoffMs * 2 ** (attempts - 1));
      }
    }
  }

  /**
   * Runs a handler in the first record's correlation context. Each record gets a consumer span,
   * child of the trace context its sender put in its headers; the handler runs in the first
   * one's (a batch's shared work, its database calls, shows in that trace), and each record's
   * own is in `message.trace` for what it causes.
   */
  private async invoke(handler: MessageHandler, arg: InboundMessage | InboundMessage[], isBatch: boolean): Promise<void> {
    const messages = Array.isArray(arg) ? arg : [arg];
    const first = messages[0];
    const correlationId = first.correlationId ?? first.messageId;
    const spans = messages.map((m) =>
      tracer().startSpan(
        `process ${m.topic}`,
        {
          kind: SpanKind.CONSUMER,
          attributes: {
            'messaging.system': 'kafka',
            'messaging.operation.type': 'process',
            'messaging.destination.name': m.topic,
            'messaging.destination.partition.id': String(m.partition),
            'messaging.kafka.offset': Number(m.offset),
            'messaging.message.id': m.messageId,
            ...(isBatch ? { 'messaging.batch.message_count': messages.length } : {}),
          },
        },
        contextFromHeaders(m.headers, ROOT_CONTEXT),
      ),
    );
    messages.forEach((m, i) => (m.trace = traceHeadersOf(spans[i])));
    try {
      await traceContext.with(trace.setSpan(ROOT_CONTEXT, spans[0]), () =>
        runWithCorrelation({ correlationId, tenantId: first.headers[Headers.tenantId] }, async () => {
          const result = isBatch ? await handler(arg) : await handler((arg as InboundMessage).value, new KafkaBatchContext([arg as InboundMessage]));
          if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
        }),
      );
    } catch (err) {
      for (const span of spans) failSpan(span, err);
      throw err;
    } finally {
      for (const span of spans) span.end();
    }
  }

  private decode(topic: string, partition: number, raw: KafkaMessage): { ok: true; message: InboundMessage } | { ok: false; error: Error } {
    try {
      const headers = headersOf(raw);
      const value = this.validator.parse(topic, raw.value, headers);
      return {
        ok: true,
        message: {
          topic,
          partition,
          offset: raw.offset,
          key: raw.key ? raw.key.toString('utf8') : null,
          headers,
          value,
          messageId: headers[Headers.messageId] ?? `${topic}/${partition}/${raw.offset}`,
          correlationId: headers[Headers.correlationId],
          raw,
        },
      };
    } catch (err) {
      return { ok: false, error: err as Error };
    }
  }

  /** Publishes the original record, untouched, with the failure described in dlt-* headers. */
  private async deadLetter(topic: string, partition: number, raw: KafkaMessage, error: Error, attempts: number): Promise<void> {
    const logical = this.options.topics.logical(topic);
    this.options.logger.error('record dead-lettered', {
      topic: logical,
      partition,
      offset: raw.offset,
      attempts,
      error: error.message,
    });
    await this.dltProducer!.send({
      topic: this.options.topics.physical(deadLetterTopicOf(logical)),
      acks: -1,
      messages: [
        {
          key: raw.key,
          value: raw.value,
          headers: {
            ...(raw.headers ?? {}),
            [Headers.dltOriginalTopic]: logical,
            [Headers.dltOriginalPartition]: String(partition),
            [Headers.dltOriginalOffset]: raw.offset,
            [Headers.dltConsumerGroup]: this.options.groupId,
            [Headers.dltError]: error.message.slice(0, 4000),
            [Headers.dltErrorKind]: deadLetterKindOf(error),
            [Headers.dltAttempts]: String(attempts),
            [Headers.dltFailedAt]: new Date().toISOString(),
          },
        },
      ],
    });
    this.metrics?.deadLetters.inc({ topic: logical, group: this.options.groupId, kind: deadLetterKindOf(error) });
  }

  /**
   * Readiness: a service with handlers is ready once its consumer has joined its group, so that
   * commands sent right after start-up are not left waiting for a rebalance.
   */
  readinessCheck(): { name: string; check(): Promise<void> } {
    return {
      name: 'consumer',
      check: async () => {
        if (this.messageHandlers.size > 0 && (this.assignedPartitions < 0 || !this.keeper?.joined)) throw new Error(`consumer group ${this.options.groupId} not joined`);
      },
    };
  }

  /** Stops fetching, waits for the batch in flight to finish and commit, then leaves the group. */
  async close(): Promise<void> {
    await this.lagMonitor?.stop();
    this.lagMonitor = undefined;
    await this.keeper?.stop();
    await this.dltProducer?.disconnect();
    this.keeper = undefined;
    this.dltProducer = undefined;
  }

  on(): never {
    throw new Error('KafkaBatchTransport does not expose events');
  }

  unwrap<T>(): T {
    if (!this.keeper?.consumer) throw new Error('not listening');
    return this.keeper.consumer as T;
  }
}

/** Whether trying again could succeed: not for a NonRetryableError, nor for a failure the record's own data causes. */
export function isRetryable(error: Error): boolean {
  return !(error instanceof NonRetryableError) && !isDataError(error);
}

function deadLetterKindOf(error: Error): 'non-retryable' | 'retries-exhausted' {
  return isRetryable(error) ? 'retries-exhausted' : 'non-retryable';
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function describeError(err: unknown): string {
  if (err && typeof err === 'object' && 'message' in err) return String(err.message);
  return String(err);
}
