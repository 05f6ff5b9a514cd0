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
      const { message, timestamp: _t, logger: _l, ...fields } = entry.log;
      // Producers keep bounded retries on purpose: a send that keeps failing must surface to the
      // relay, which retries with its own backoff and transactional recovery.
      if (message.startsWith('Limiting retries for the idempotent producer')) return;
      options.logger.write(levelOf(entry), `kafkajs: ${message}`, { component: `kafkajs.${entry.namespace}`, kafka: fields });
    },
    retry: { initialRetryTime: 100, retries: 8 },
  });
}

/**
 * kafkajs logs every retriable broker answer (coordinator loading, concurrent transactions) as an
 * error from its Connection layer; those are retried and, if they persist, surface as errors
 * from the calls that made them. They are debug lines here.
 */
function levelOf(entry: LogEntry): string {
  if (entry.namespace === 'Connection') return 'debug';
  if (entry.level === logLevel.ERROR || entry.level === logLevel.NOTHING) return 'error';
  return entry.level === logLevel.WARN ? 'warn' : 'debug';
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
