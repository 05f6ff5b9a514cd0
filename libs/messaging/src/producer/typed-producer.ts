import { IHeaders, Kafka, Message, Partitioners, Producer, ProducerRecord } from 'kafkajs';
import { Headers, PayloadTopic, TopicPayload } from '@app/contracts';
import { context, SpanKind, trace } from '@opentelemetry/api';
import { currentCorrelation, inSpan, isLostProducerSession, traceHeaders } from '@app/observability';
import { TopicNames } from '../topic-names';

export interface OutgoingRecord<P> {
  key: string;
  value: P;
  headers?: Record<string, string>;
}

export interface TypedProducerOptions {
  /**
   * How long a send waits for others to share its produce request (Kafka's linger.ms; kafkajs has
   * none). 0 sends at once. At thousands of small sends per second, a few milliseconds turn
   * thousands of requests into a few hundred.
   */
  lingerMs?: number;
  /** A pending batch is sent at once when it reaches this many records. */
  maxBatchRecords?: number;
}

interface Pending {
  messages: Message[];
  waiters: Array<{ resolve(): void; reject(err: unknown): void }>;
  timer?: NodeJS.Timeout;
}

/**
 * An idempotent producer (acks=all) whose payload type follows from the topic. Adds the current
 * correlation id and trace context to every record that does not carry its own; inside a trace,
 * a send is a producer span whose context the records carry (`traceparent`). A send resolves once the broker has
 * acknowledged its records; with lingerMs > 0, concurrent sends to a topic share one request,
 * in the order they were made (so per-key order holds).
 */
export class TypedProducer {
  private producer: Producer;
  /** Set while a producer whose session the broker lost is being replaced. */
  private renewing?: Promise<void>;
  /** The replacement could not connect yet: the next send connects it first. */
  private unconnected = false;
  private readonly lingerMs: number;
  private readonly maxBatchRecords: number;
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly kafka: Kafka,
    private readonly topics: TopicNames,
    options: TypedProducerOptions = {},
  ) {
    this.producer = this.newProducer();
    this.lingerMs = options.lingerMs ?? 0;
    this.maxBatchRecords = options.maxBatchRecords ?? 1000;
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  private newProducer(): Producer {
    return this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 5,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  /**
   * One send on the current producer. When the broker lost the producer's idempotence session
   * (it restarted without its state), kafkajs keeps failing every later send of that producer:
   * it is replaced by a new one (a new producer id) and the failed send is reported as it is —
   * a passing outage to the caller, which may retry.
   */
  private async sendRecord(record: ProducerRecord): Promise<void> {
    if (this.renewing) await this.renewing;
    if (this.unconnected) {
      await this.producer.connect();
      this.unconnected = false;
    }
    const producer = this.producer;
    try {
      await producer.send(record);
    } catch (err) {
      if (isLostProducerSession(err) && producer === this.producer) {
        this.renewing ??= this.renew(producer).finally(() => (this.renewing = undefined));
      }
      throw err;
    }
  }

  private async renew(old: Producer): Promise<void> {
    this.producer = this.newProducer();
    await old.disconnect().catch(() => undefined);
    await this.producer.connect().catch(() => (this.unconnected = true));
  }

  /** Sends what is still lingering, then disconnects. */
  async disconnect(): Promise<void> {
    await Promise.allSettled([...this.pending.keys()].map((topic) => this.flush(topic)));
    await this.producer.disconnect();
  }

  async send<T extends PayloadTopic>(topic: T, records: OutgoingRecord<TopicPayload<T>>[]): Promise<void> {
    if (records.length === 0) return;
    if (!trace.getSpan(context.active())) return this.sendNow(topic, records);
    const attributes = { 'messaging.system': 'kafka', 'messaging.operation.type': 'send', 'messaging.destination.name': topic, 'messaging.batch.message_count': records.length };
    return inSpan(`send ${topic}`, SpanKind.PRODUCER, attributes, () => this.sendNow(topic, records));
  }

  private async sendNow<T extends PayloadTopic>(topic: T, records: OutgoingRecord<TopicPayload<T>>[]): Promise<void> {
    const physical = this.topics.physical(topic);
    const context = contextHeaders();
    const messages = records.map((r) => ({ key: r.key, value: JSON.stringify(r.value), headers: withCorrelation(r.headers, context) }));
    if (this.lingerMs <= 0) {
      await this.sendRecord({ topic: physical, acks: -1, messages });
      return;
    }
    await new Promise<void>((resolve, reject) => {
      let batch = this.pending.get(physical);
      if (!batch) {
        const created: Pending = { messages: [], waiters: [] };
        created.timer = setTimeout(() => void this.flush(physical), this.lingerMs);
        this.pending.set(physical, created);
        batch = created;
      }
      batch.messages.push(...messages);
      batch.waiters.push({ resolve, reject });
      if (batch.messages.length >= this.maxBatchRecords) void this.flush(physical);
    });
  }

  private async flush(physical: string): Promise<void> {
    const batch = this.pending.get(physical);
    if (!batch) return;
    this.pending.delete(physical);
    clearTimeout(batch.timer);
    try {
      await this.sendRecord({ topic: physical, acks: -1, messages: batch.messages });
      for (const w of batch.waiters) w.resolve();
    } catch (err) {
      for (const w of batch.waiters) w.reject(err);
    }
  }
}

/** The current correlation id and trace context as record headers (read once per send, not per record). */
function contextHeaders(): Record<string, string> {
  const correlationId = currentCorrelation()?.correlationId;
  return { ...traceHeaders(), ...(correlationId ? { [Headers.correlationId]: correlationId } : {}) };
}

/** A record's headers with the current correlation id and trace context, where it does not set its own. */
export function withCorrelation(headers: Record<string, string> = {}, context: Record<string, string> = contextHeaders()): IHeaders {
  if (!headers[Headers.traceparent]) return { ...context, ...headers };
  const { [Headers.traceparent]: _parent, [Headers.tracestate]: _state, ...correlation } = context;
  return { ...correlation, ...headers };
}
