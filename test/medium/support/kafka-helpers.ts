import { Consumer, Kafka, logLevel, Partitioners } from 'kafkajs';
import { allTopicSpecs } from '@app/contracts';
import { ensureTopics } from '@app/messaging';
import { uniqueId } from './names';

export function testKafka(brokers: string): Kafka {
  return new Kafka({ clientId: uniqueId('test'), brokers: brokers.split(','), logLevel: logLevel.NOTHING });
}

export async function createPrefixedTopics(kafka: Kafka, prefix: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(admin, allTopicSpecs(prefix));
  } finally {
    await admin.disconnect();
  }
}

export async function deletePrefixedTopics(kafka: Kafka, prefix: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}

export interface CollectedRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

/** Reads a topic from the beginning as a downstream consumer would (read_committed) and keeps every record. */
export class TopicCollector {
  readonly records: CollectedRecord[] = [];
  private consumer?: Consumer;

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
  ) {}

  async start(): Promise<this> {
    this.consumer = this.kafka.consumer({ groupId: uniqueId('collector'), readUncommitted: false });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topic, fromBeginning: true });
    await this.consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(message.headers ?? {})) if (v !== undefined) headers[k] = String(v);
        this.records.push({
          topic,
          partition,
          offset: message.offset,
          key: message.key?.toString() ?? null,
          value: message.value?.toString() ?? null,
          headers,
        });
      },
    });
    return this;
  }

  json<T = Record<string, unknown>>(): T[] {
    return this.records.map((r) => JSON.parse(r.value ?? 'null') as T);
  }

  /** Waits until at least `count` records arrived. */
  async waitFor(count: number, timeoutMs = 60000): Promise<CollectedRecord[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.records.length < count) {
      if (Date.now() > deadline) throw new Error(`${this.topic}: ${this.records.length}/${count} records after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return this.records;
  }

  /** Waits, then checks that nothing more arrives for `quietMs` (to catch duplicates published late). */
  async settle(quietMs = 3000): Promise<CollectedRecord[]> {
    let seen = -1;
    while (seen !== this.records.length) {
      seen = this.records.length;
      await new Promise((r) => setTimeout(r, quietMs));
    }
    return this.records;
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}

export async function produce(kafka: Kafka, topic: string, messages: Array<{ key: string; value: unknown; headers?: Record<string, string> }>): Promise<void> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    await producer.send({
      topic,
      acks: -1,
      messages: messages.map((m) => ({
        key: m.key,
        value: typeof m.value === 'string' ? m.value : JSON.stringify(m.value),
        headers: m.headers,
      })),
    });
  } finally {
    await producer.disconnect();
  }
}
