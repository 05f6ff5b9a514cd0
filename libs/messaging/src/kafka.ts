import { Kafka, logLevel, LogEntry } from 'kafkajs';
import type { JsonLogger } from '@app/observability';

export interface KafkaClientOptions {
  brokers: string[];
  clientId: string;
  logger?: JsonLogger;
}

/** A kafkajs client whose own log lines go through the service's JSON logger (warnings and errors only). */
export function createKafka(options: KafkaClientOptions): Kafka {
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    logLevel: logLevel.WARN,
    logCreator: () => (entry: LogEntry) => {
      if (!options.logger) return;
      const { message, ...fields } = entry.log;
      const level = entry.level === logLevel.ERROR ? 'error' : entry.level === logLevel.WARN ? 'warn' : 'debug';
      options.logger.write(level, `kafkajs: ${message}`, { component: `kafkajs.${entry.namespace}`, ...fields });
    },
    retry: { initialRetryTime: 100, retries: 8 },
  });
}

export function parseBrokers(list: string): string[] {
  return list
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
}

/** Readiness check: the cluster answers a metadata request. */
export function kafkaReadinessCheck(kafka: Kafka): { name: string; check(): Promise<void> } {
  const admin = kafka.admin();
  let connected: Promise<void> | undefined;
  return {
    name: 'kafka',
    async check() {
      connected ??= admin.connect().catch((err) => {
        connected = undefined;
        throw err;
      });
      await connected;
      const cluster = await admin.describeCluster();
      if (cluster.brokers.length === 0) throw new Error('no brokers in metadata');
    },
  };
}
