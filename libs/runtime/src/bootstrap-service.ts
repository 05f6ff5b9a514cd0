import type { Duplex } from 'node:stream';
import { SCIM_ERROR_SCHEMA } from '@app/scim';
import { DynamicModule, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { EntitySchema, MixedList } from 'typeorm';
import {
  createKafka,
  KafkaBatchTransport,
  kafkaConnectionOf,
  ProcessedMessagesPruner,
  KafkaBatchTransportOptions,
  OutboxRelay,
  OutboxRelayOptions,
  TopicNames,
  TypedProducer,
} from '@app/messaging';
import { ConfigurationError, ServiceBaseConfig } from '@app/config';
import { correlateHttpRequests, instrumentHttp, logHttpAccess, MetricsRegistry, newCorrelationId, runWithCorrelation, startTracing, TenantOf } from '@app/observability';
import { openDatabase, redactUrl } from '@app/persistence';
import { migrateService } from './migrate-service';
import { serviceLogger } from './service-logger';
import { EXIT_USAGE, ProcessMode, processModeOf, UsageError } from './process-mode';
import { ProcessSafetyNet } from './process-safety-net';
import { RuntimeDeps, RuntimeModule } from './runtime.module';
import { untilAvailable } from './until-available';
import { InternalApiConfig, protectMetrics } from './http/internal-auth';
import { OPENAPI_PATH, openApiDocument, recordRoutes, undocumentedRoutes } from './http/openapi';
import type { OpenAPIObject } from '@nestjs/swagger';

export interface ServiceDefinition<C extends ServiceBaseConfig> {
  name: string;
  config: C;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
  /** The service's own module; it may read RuntimeDeps to configure itself. */
  module: (deps: RuntimeDeps<C>) => Type | DynamicModule;
  /** When set, `@EventPattern` handlers consume through a KafkaBatchTransport in this group. */
  consumer?: { groupId: string } & Partial<Pick<KafkaBatchTransportOptions, 'maxAttempts' | 'retryBackoffMs' | 'partitionsConsumedConcurrently' | 'extraSchemas' | 'beforeCommit'>>;
  /** When set, an outbox relay publishes the service's outbox. */
  relay?: Partial<Pick<OutboxRelayOptions, 'batchSize' | 'pollIntervalMs' | 'afterPublish'>>;
  poolSize?: number;
  /** Largest request body the HTTP server reads (Fastify's default is 1 MiB). */
  bodyLimitBytes?: number;
  /**
   * The tenant of an HTTP request, for the `tenant` label of `scim_http_requests_total`; read when
   * the response has been sent, so it sees what guards attached. Unset or undefined: "none".
   */
  tenantOf?: TenantOf;
  /**
   * Rewrites a request's URL before routing (Fastify `rewriteUrl`); `request.url` is then the
   * rewritten one and `request.originalUrl` what the client sent.
   */
  rewriteUrl?: (url: string) => string;
  /** What the service's HTTP API is, for its OpenAPI document (`GET /openapi.json`). */
  apiDescription?: string;
}

/** Root of every service's module tree; its imports are set per service in bootstrapService. */
class ServiceRootModule {}

export interface RunningService {
  app: NestFastifyApplication;
  url: string;
  /** The service's metrics, served at GET /metrics. */
  metrics: MetricsRegistry;
  /** Graceful stop: finish the batch in flight, commit, flush the relay, close connections. */
  close(): Promise<void>;
}

/**
 * Starts a service: database (created and migrated), Kafka client and producer, the Nest app on
 * Fastify with the service's module, the consumer transport and the outbox relay. Logs go out as
 * JSON lines. Nothing here knows the service's domain.
 */
export async function bootstrapService<C extends ServiceBaseConfig>(def: ServiceDefinition<C>, options: { safetyNet?: ProcessSafetyNet } = {}): Promise<RunningService> {
  const { config } = def;
  // Before anything opens a database connection: the pg instrumentation patches the driver.
  const tracing = startTracing({ service: def.name });
  const logger = serviceLogger(def.name, config);
  const log = logger.child('bootstrap');
  return runWithCorrelation({ correlationId: newCorrelationId() }, async () => {
    log.info('starting', {
      database: redactUrl(config.DATABASE_URL),
      kafka: config.KAFKA_BROKERS,
      kafkaSasl: config.KAFKA_SASL_MECHANISM ?? 'none',
      kafkaTls: config.KAFKA_SSL === 'true',
      topicPrefix: config.TOPIC_PREFIX,
      tracesExported: tracing.exporting,
    });
    // A dependency that is away at start-up is waited for, not a reason to exit: a service
    // restarted during a Kafka or Postgres outage comes up by itself when it returns.
    const dataSource = await untilAvailable('Postgres', log, () =>
      openDatabase({
        url: config.DATABASE_URL,
        entities: def.entities,
        migrations: def.migrations,
        poolSize: def.poolSize,
        applicationName: def.name,
        statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
        log: (level, message, fields) => logger.write(level, message, { component: 'typeorm', ...fields }),
      }),
    );
    const kafka = createKafka({ ...kafkaConnectionOf(config), clientId: def.name, logger });
    const topics = new TopicNames(config.TOPIC_PREFIX);
    const producer = new TypedProducer(kafka, topics, { lingerMs: config.KAFKA_LINGER_MS });
    await untilAvailable('Kafka', log, () => producer.connect());
    const metrics = new MetricsRegistry({ service: def.name, logger: logger.child('metrics') });
    options.safetyNet?.countIn(metrics);
    const deps: RuntimeDeps<C> = { config, logger, dataSource, kafka, topics, producer, metrics, readinessChecks: [] };

    const root: DynamicModule = { module: ServiceRootModule, imports: [RuntimeModule.forRoot(deps), def.module(deps)] };
    const rewriteUrl = def.rewriteUrl;
    const adapter = new FastifyAdapter({
      bodyLimit: def.bodyLimitBytes,
      // A client that sends its request slowly (slowloris) is cut off; checked every second.
      requestTimeout: config.HTTP_REQUEST_TIMEOUT_MS,
      keepAliveTimeout: config.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      http: { headersTimeout: config.HTTP_HEADERS_TIMEOUT_MS, requestTimeout: config.HTTP_REQUEST_TIMEOUT_MS, connectionsCheckingInterval: 1000 },
      ...(rewriteUrl ? { rewriteUrl: (req: { url?: string }) => rewriteUrl(req.url ?? '/') } : {}),
      frameworkErrors: answerFrameworkError,
      clientErrorHandler: answerClientError,
    });
    const routes = recordRoutes(adapter.getInstance());
    let openApi: OpenAPIObject | undefined;
    // The document is built once the controllers are mounted (after listen); until then, 503.
    adapter.getInstance().get(OPENAPI_PATH, (_request, reply) => {
      void (openApi ? reply.send(openApi) : reply.code(503).header('retry-after', '1').send({ detail: 'the document is being built' }));
    });
    correlateHttpRequests(adapter.getInstance());
    logHttpAccess(adapter.getInstance(), logger.child('access'), { tenantOf: def.tenantOf });
    instrumentHttp(adapter.getInstance(), metrics, { tenantOf: def.tenantOf, logger: logger.child('metrics') });
    protectMetrics(adapter.getInstance(), config as InternalApiConfig);
    const app = await NestFactory.create<NestFastifyApplication>(root, adapter, {
      logger,
      bufferLogs: false,
    });
    if (def.consumer) {
      const transport = new KafkaBatchTransport({
        sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
        fetchMinBytes: config.KAFKA_FETCH_MIN_BYTES,
        fetchMaxWaitMs: config.KAFKA_FETCH_MAX_WAIT_MS,
        ...def.consumer,
        kafka,
        topics,
        logger: logger.child('consumer'),
        metrics,
      });
      app.connectMicroservice({ strategy: transport }, { inheritAppConfig: false });
      deps.readinessChecks.push(transport.readinessCheck());
    }
    const relay = def.relay
      ? new OutboxRelay({
          ...def.relay,
          dataSource,
          databaseUrl: config.DATABASE_URL,
          kafka,
          topics,
          relayId: def.name,
          cloudEventsMode: config.CLOUDEVENTS_MODE,
          logger: logger.child('outbox-relay'),
          metrics,
        })
      : undefined;

    const pruner = def.consumer ? new ProcessedMessagesPruner(dataSource, config.PROCESSED_MESSAGE_RETENTION_MS, logger.child('processed-messages')) : undefined;

    await app.startAllMicroservices();
    relay?.start();
    pruner?.start();
    await app.listen(config.HTTP_PORT, config.HTTP_HOST);
    openApi = openApiDocument(app, { title: def.name, version: '1', description: def.apiDescription ?? `The HTTP API of the ${def.name}` });
    const undocumented = undocumentedRoutes(routes, openApi);
    if (undocumented.length > 0) {
      // A route the document lacks is a defect: said in the log and in the document itself (the tests read it).
      log.error('routes missing from the OpenAPI document', { routes: undocumented });
      openApi = { ...openApi, 'x-undocumented-routes': undocumented } as OpenAPIObject;
    }
    const url = await app.getUrl();
    log.info('ready', { url });

    let closing: Promise<void> | undefined;
    const close = () =>
      (closing ??= (async () => {
        log.info('stopping');
        await app.close(); // microservice transport first (finishes and commits its batch), then HTTP
        await relay?.stop();
        await pruner?.stop();
        await producer.disconnect().catch(() => undefined);
        await dataSource.destroy();
        await tracing.shutdown().catch((error: unknown) => log.warn('exporting the last spans failed', { error }));
        log.info('stopped');
      })());
    return { app, url: url.replace('[::1]', '127.0.0.1'), metrics, close };
  });
}

/**
 * Runs a service as a process: starts it, stops it gracefully on SIGTERM or SIGINT within
 * SHUTDOWN_TIMEOUT_MS, and exits non-zero when start-up fails. With the argument `migrate` it
 * only applies the database migrations and exits (see process-mode.ts).
 */
export function runServiceProcess<C extends ServiceBaseConfig>(def: () => ServiceDefinition<C>, args: readonly string[] = process.argv.slice(2)): void {
  const fatal = (err: unknown, problems?: string[]) =>
    process.stderr.write(JSON.stringify({ time: new Date().toISOString(), level: 'fatal', message: (err as Error).message, problems }) + '\n');
  let mode: ProcessMode;
  let definition: ServiceDefinition<C>;
  try {
    mode = processModeOf(args);
    definition = def();
  } catch (err) {
    // A bad configuration stops the process before anything starts, naming every bad variable.
    fatal(err, err instanceof ConfigurationError ? err.problems : undefined);
    process.exit(err instanceof ConfigurationError ? 78 : err instanceof UsageError ? EXIT_USAGE : 1);
  }
  const logger = serviceLogger(definition.name, definition.config).child('process');
  if (mode === 'migrate') {
    migrateService(definition).then(
      () => process.exit(0),
      (err) => {
        logger.error('migration failed', { error: err as Error });
        process.exit(1);
      },
    );
    return;
  }
  const safetyNet = new ProcessSafetyNet(logger).install();
  const stopWhileStarting = (signal: string) => {
    // Nothing to drain yet (start-up may be waiting for a dependency): leave at once.
    logger.info('signal received while starting; exiting', { signal });
    process.exit(0);
  };
  process.once('SIGTERM', stopWhileStarting);
  process.once('SIGINT', stopWhileStarting);
  bootstrapService(definition, { safetyNet }).then(
    (service) => {
      process.off('SIGTERM', stopWhileStarting);
      process.off('SIGINT', stopWhileStarting);
      const stop = (signal: string) => {
        logger.info('signal received', { signal });
        const timer = setTimeout(() => {
          logger.error('graceful shutdown timed out', { timeoutMs: definition.config.SHUTDOWN_TIMEOUT_MS });
          process.exit(1);
        }, definition.config.SHUTDOWN_TIMEOUT_MS);
        timer.unref();
        service.close().then(
          () => process.exit(0),
          (err) => {
            logger.error('error while stopping', { error: err as Error });
            process.exit(1);
          },
        );
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    },
    (err) => {
      logger.error('start-up failed', { error: err as Error });
      process.exit(1);
    },
  );
}

/**
 * Errors Fastify raises before routing (a URL with a bad percent-encoding such as `/Users/%ff`,
 * an unparsable content type) answered as SCIM error bodies (RFC 7644 §3.12), like every other
 * error, instead of Fastify's own JSON.
 */
function answerFrameworkError(
  error: { statusCode?: number; code?: string },
  _request: unknown,
  reply: { code(status: number): { header(name: string, value: string): { send(body: unknown): unknown } } },
): void {
  const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
  const detail = error.code === 'FST_ERR_BAD_URL' ? 'The request URL is not valid (a bad percent-encoding)' : 'The request cannot be read';
  reply
    .code(status)
    .header('content-type', 'application/scim+json; charset=utf-8')
    .send({ schemas: [SCIM_ERROR_SCHEMA], status: String(status), detail });
}

/**
 * Errors Node's HTTP parser raises before Fastify sees a request (headers over the 16 KiB limit,
 * a request that timed out, bytes that are not HTTP) answered as SCIM error bodies too, then the
 * connection is closed as Node would.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, reason, detail] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large', 'The request headers exceed the size this service reads']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout', 'The request was not received in time']
        : [400, 'Bad Request', 'The request is not valid HTTP'];
  const body = JSON.stringify({ schemas: [SCIM_ERROR_SCHEMA], status: String(status), detail });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/scim+json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
