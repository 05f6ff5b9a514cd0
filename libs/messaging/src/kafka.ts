import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { Kafka, KafkaConfig, logLevel, LogEntry, SASLOptions } from 'kafkajs';
import type { KafkaConnectionConfig } from '@app/config';
import type { JsonLogger } from '@app/observability';

/** Where the brokers are and how to authenticate to them (SASL) and protect the connection (TLS). */
export interface KafkaConnection {
  brokers: string[];
  /** true: TLS with the system CAs; an object: TLS with these options (a private CA). */
  ssl?: boolean | ConnectionOptions;
  sasl?: SASLOptions;
}

export interface KafkaClientOptions extends KafkaConnection {
  clientId: string;
  logger?: JsonLogger;
}

/**
 * The connection a validated configuration describes: PLAINTEXT when neither SASL nor TLS is set
 * (the local broker), SASL/SCRAM and TLS in production. The CA file is read here, at start-up, so
 * a missing file stops the process instead of failing every connection later.
 */
export function kafkaConnectionOf(config: KafkaConnectionConfig, readFile: (path: string) => string = (path) => readFileSync(path, 'utf8')): KafkaConnection {
  const connection: KafkaConnection = { brokers: parseBrokers(config.KAFKA_BROKERS) };
  if (config.KAFKA_SSL === 'true') connection.ssl = config.KAFKA_SSL_CA_FILE ? { ca: [readFile(config.KAFKA_SSL_CA_FILE)] } : true;
  if (config.KAFKA_SASL_MECHANISM) {
    const credentials = { username: config.KAFKA_SASL_USERNAME ?? '', password: config.KAFKA_SASL_PASSWORD ?? '' };
    connection.sasl = { mechanism: config.KAFKA_SASL_MECHANISM, ...credentials };
  }
  return connection;
}

/**
 * A kafkajs client whose own log lines go through the service's JSON logger (warnings and errors
 * only).
 */
export function createKafka(options: KafkaClientOptions): Kafka {
  return new Kafka(kafkaConfigOf(options));
}

/**
 * The kafkajs configuration of createKafka (separate so a test can see what reaches kafkajs).
 * While a broker is away kafkajs logs every reconnection attempt of every client; the same line
 * is written at most every 10 s, with the count of the ones left out.
 */
export function kafkaConfigOf(options: KafkaClientOptions): KafkaConfig {
  const repeats = new RepeatedLines(10_000);
  return {
    clientId: options.clientId,
    brokers: options.brokers,
    ...(options.ssl !== undefined && { ssl: options.ssl }),
    ...(options.sasl !== undefined && { sasl: options.sasl }),
    logLevel: logLevel.WARN,
    logCreator: () => (entry: LogEntry) => {
      if (!options.logger) return;
      const { message, timestamp: _t, logger: _l, ...fields } = entry.log;
      // Producers keep bounded retries on purpose: a send that keeps failing must surface to the
      // relay, which retries with its own backoff and transactional recovery.
      if (message.startsWith('Limiting retries for the idempotent producer')) return;
      const suppressed = repeats.admit(`${entry.namespace} ${message}`);
      if (suppressed === false) return;
      options.logger.write(levelOf(entry), `kafkajs: ${message}`, {
        component: `kafkajs.${entry.namespace}`,
        kafka: fields,
        ...(suppressed > 0 ? { repeatedSinceLastLine: suppressed } : {}),
      });
    },
    // Backoff capped at 2 s: after a broker restart, clients reconnect within about 2 s of it being back
    // (kafkajs' default cap of 30 s once left consumers asleep for half a minute).
    retry: { initialRetryTime: 100, maxRetryTime: 2_000, retries: 8 },
  };
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

/**
 * Admits a line at most once per `windowMs`: false while it is held back, else the number held
 * back since it was last admitted. Remembers at most 1,000 distinct lines.
 */
export class RepeatedLines {
  private readonly seen = new Map<string, { at: number; held: number }>();

  constructor(
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  admit(line: string): number | false {
    const now = this.now();
    const entry = this.seen.get(line);
    if (entry && now - entry.at < this.windowMs) {
      entry.held += 1;
      return false;
    }
    if (!entry && this.seen.size >= 1_000) this.seen.clear();
    this.seen.set(line, { at: now, held: 0 });
    return entry?.held ?? 0;
  }
}
