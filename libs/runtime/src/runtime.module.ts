import { DynamicModule, Global, Module } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { databaseReadinessCheck } from '@app/persistence';
import { kafkaReadinessCheck, TopicNames, TypedProducer } from '@app/messaging';
import { ServiceBaseConfig } from '@app/config';
import { HealthController, JsonLogger, METRICS_REGISTRY, MetricsController, MetricsRegistry, READINESS_CHECKS, ReadinessCheck } from '@app/observability';
import { internalAuthHeaders, type InternalApiConfig } from './http/internal-auth';
import { INTERNAL_CALL_HEADERS, KAFKA, LOGGER, SERVICE_CONFIG, TOPIC_NAMES, TYPED_PRODUCER } from './tokens';

export interface RuntimeDeps<C extends ServiceBaseConfig = ServiceBaseConfig> {
  config: C;
  logger: JsonLogger;
  dataSource: DataSource;
  kafka: Kafka;
  topics: TopicNames;
  producer: TypedProducer;
  /** The service's metrics (served at /metrics); modules add their own through METRICS_REGISTRY. */
  metrics: MetricsRegistry;
  /** Checks added by the bootstrap after the module is built (the consumer's). */
  readinessChecks: ReadinessCheck[];
}

/**
 * Provides, to every module of a service, its configuration, logger, database, Kafka client,
 * topic names, producer and metrics registry, and serves `/health`, `/health/ready` and `/metrics`.
 */
@Global()
@Module({})
export class RuntimeModule {
  static forRoot(deps: RuntimeDeps): DynamicModule {
    return {
      module: RuntimeModule,
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: SERVICE_CONFIG, useValue: deps.config },
        { provide: LOGGER, useValue: deps.logger },
        { provide: DataSource, useValue: deps.dataSource },
        { provide: KAFKA, useValue: deps.kafka },
        { provide: TOPIC_NAMES, useValue: deps.topics },
        { provide: TYPED_PRODUCER, useValue: deps.producer },
        { provide: METRICS_REGISTRY, useValue: deps.metrics },
        {
          provide: INTERNAL_CALL_HEADERS,
          useValue: ((token) => (token ? internalAuthHeaders(token) : {}))((deps.config as InternalApiConfig).INTERNAL_API_TOKEN),
        },
        {
          provide: READINESS_CHECKS,
          useFactory: () => {
            deps.readinessChecks.unshift(databaseReadinessCheck(deps.dataSource), kafkaReadinessCheck(deps.kafka));
            return deps.readinessChecks;
          },
        },
      ],
      exports: [SERVICE_CONFIG, LOGGER, DataSource, KAFKA, TOPIC_NAMES, TYPED_PRODUCER, METRICS_REGISTRY, READINESS_CHECKS, INTERNAL_CALL_HEADERS],
    };
  }
}
