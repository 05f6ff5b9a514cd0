import 'reflect-metadata';
import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsString, Matches, Max, Min } from 'class-validator';
import { KafkaConnectionConfig } from './kafka-connection-config';

const POSTGRES_URL = /^postgres(ql)?:\/\/[^\s]+\/[A-Za-z0-9_]+(\?.*)?$/;

/**
 * Variables every service reads (the Kafka connection's among them). A service's own
 * configuration class extends this one; property names are the environment variable names.
 */
export class ServiceBaseConfig extends KafkaConnectionConfig {
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  HTTP_PORT = 0;

  @IsString()
  @IsNotEmpty()
  HTTP_HOST = '127.0.0.1';

  /**
   * How long the group waits for a silent consumer before handing its partitions to others.
   * Kafka's broker bounds it (group.min/max.session.timeout.ms: 6 s to 30 min by default).
   */
  @Type(() => Number)
  @IsInt()
  @Min(6000)
  @Max(300000)
  KAFKA_SESSION_TIMEOUT_MS = 10000;

  /**
   * A consumer's fetch returns once this many bytes are ready or KAFKA_FETCH_MAX_WAIT_MS passed.
   * Above 1 byte, a busy consumer gets bigger batches (one transaction each) for a few ms of latency.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_485_760)
  KAFKA_FETCH_MIN_BYTES = 1;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000)
  KAFKA_FETCH_MAX_WAIT_MS = 100;

  /** How long a produce waits to share its request with concurrent ones (linger.ms); 0 = at once. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1000)
  KAFKA_LINGER_MS = 2;

  /**
   * How long processed message ids are kept: longer than any consumed topic keeps messages
   * (user events: 30 days), so a redelivery can always be recognised.
   */
  @Type(() => Number)
  @IsInt()
  @Min(3_600_000)
  PROCESSED_MESSAGE_RETENTION_MS = 31 * 24 * 3_600_000;

  /**
   * Longest a single SQL statement of the service may run (Postgres statement_timeout on every
   * pooled connection; migrations run without it). A read past it answers 503; as long as the
   * gateway's own wait (DECISION_TIMEOUT_MS), so no query outlives the request that asked for it.
   */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  DATABASE_STATEMENT_TIMEOUT_MS = 10000;

  /**
   * Reads of one tenant an internal query API runs at once in this process; the rest wait in line
   * (docs/security.md), so one tenant cannot take the whole connection pool (10) from the others:
   * two connections stay for other tenants and the command consumer. A read holds its slot only
   * while it runs (milliseconds when the store is healthy), so a tenant's initial sync is not slowed.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  INTERNAL_QUERY_TENANT_CONCURRENCY = 8;

  /** How long a tenant's read waits in that line before it is answered 503 (the gateway retries after). */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(60_000)
  INTERNAL_QUERY_QUEUE_MS = 2000;

  /** Longest a client may take to send a request's headers before its socket is closed. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(600_000)
  HTTP_HEADERS_TIMEOUT_MS = 10000;

  /** Longest a client may take to send a whole request (headers and body) before its socket is closed. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(600_000)
  HTTP_REQUEST_TIMEOUT_MS = 30000;

  /** How long an idle keep-alive connection stays open (above a load balancer's idle timeout, 60 s on most). */
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  @Max(600_000)
  HTTP_KEEP_ALIVE_TIMEOUT_MS = 72000;

  /** The service's own database, e.g. `postgres://postgres@127.0.0.1:5432/scim_user_service`; created if missing. */
  @Matches(POSTGRES_URL, { message: 'must be a postgres:// URL that names a database' })
  DATABASE_URL: string;

  @IsIn(['debug', 'info', 'warn', 'error'])
  LOG_LEVEL = 'info';

  /**
   * Levels of single components, overriding LOG_LEVEL: `access=warn,kafkajs=error,outbox-relay=debug`
   * (a name covers its dotted sub-components). Components are named in every log line.
   */
  @Transform(({ value }) => value ?? '')
  @Matches(/^$|^\s*[A-Za-z0-9._-]+\s*=\s*(debug|info|warn|error)\s*(,\s*[A-Za-z0-9._-]+\s*=\s*(debug|info|warn|error)\s*)*$/, {
    message: 'must be a list like "access=warn,kafkajs=error" (levels: debug, info, warn, error)',
  })
  LOG_LEVELS = '';

  /**
   * Further log fields to censor, besides passwords, tokens, secrets and authorization headers at
   * the top level and in the usual containers: comma-separated paths such as `detail.mail,*.phoneNumbers`
   * (a leading `*` costs about 10 µs per line).
   */
  @Transform(({ value }) => value ?? '')
  @Matches(/^[A-Za-z0-9_*.[\]", -]*$/, { message: 'must be comma-separated field paths (letters, digits, ".", "*", "[]")' })
  LOG_REDACT = '';

  /**
   * How the service's outbox publishes CloudEvents on Kafka: `structured` (the whole event as the
   * record value) or `binary` (`ce_*` headers, the data as the value). Consumers read both.
   */
  @IsIn(['structured', 'binary'])
  CLOUDEVENTS_MODE: 'structured' | 'binary' = 'structured';

  /** How long a SIGTERM may take to finish the batch in flight and flush the outbox. */
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  SHUTDOWN_TIMEOUT_MS = 15000;

  /** Prefix for every topic name; empty in production, unique per run in tests. */
  @Transform(({ value }) => value ?? '')
  @Matches(/^[A-Za-z0-9._-]*$/, { message: 'may only contain letters, digits, ".", "_" and "-"' })
  TOPIC_PREFIX = '';
}
