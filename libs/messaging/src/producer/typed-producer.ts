import { IHeaders, Kafka, Partitioners, Producer } from 'kafkajs';
import { Headers, PayloadTopic, TopicPayload } from '@app/contracts';
import { currentCorrelation } from '@app/observability';
import { TopicNames } from '../topic-names';

export interface OutgoingRecord<P> {
  key: string;
  value: P;
  headers?: Record<string, string>;
}

/**
 * An idempotent producer (acks=all) whose payload type follows from the topic. Adds the current
 * correlation id to every record that does not carry one.
 */
export class TypedProducer {
  private readonly producer: Producer;

  constructor(
    kafka: Kafka,
    private readonly topics: TopicNames,
  ) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 5,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }

  async send<T extends PayloadTopic>(topic: T, records: OutgoingRecord<TopicPayload<T>>[]): Promise<void> {
    if (records.length === 0) return;
    await this.producer.send({
      topic: this.topics.physical(topic),
      acks: -1,
      messages: records.map((r) => ({ key: r.key, value: JSON.stringify(r.value), headers: withCorrelation(r.headers) })),
    });
  }
}

export function withCorrelation(headers: Record<string, string> = {}): IHeaders {
  const correlationId = currentCorrelation()?.correlationId;
  return correlationId && !headers[Headers.correlationId] ? { ...headers, [Headers.correlationId]: correlationId } : headers;
}
