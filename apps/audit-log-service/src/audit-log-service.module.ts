import { DynamicModule, Inject, Injectable, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { JsonLogger, METRICS_REGISTRY, MetricsRegistry, tenantHealthMetricsOf } from '@app/observability';
import type { Kafka } from 'kafkajs';
import type { TopicNames } from '@app/messaging';
import { KAFKA, LOGGER, SERVICE_CONFIG, TOPIC_NAMES } from '@app/runtime';
import { AuditLogServiceConfig } from './audit-log-service.config';
import { AUDIT_CREDENTIALS, AuditAuthGuard } from './auth/audit-auth.guard';
import { AuditCredentialRepository } from './auth/audit-credential.repository';
import { AuditCredentialService } from './auth/audit-credential.service';
import { DashboardModule } from './dashboard/dashboard.module';
import { DeadLetterCollector, KafkaReplayPublisher } from './dead-letters/dead-letter.collector';
import { DeadLetterService } from './dead-letters/dead-letter.service';
import { DEAD_LETTERS, DeadLettersController } from './dead-letters/dead-letters.controller';
import { DeadLetterRepository } from './persistence/dead-letter.repository';
import { AUDIT_INGEST, AuditIngestConsumer } from './ingest/audit-ingest.consumer';
import { AuditIngestService } from './ingest/audit-ingest.service';
import { AuditPartitions } from './persistence/audit-partitions';
import { AuditRetentionJob } from './persistence/audit-retention.job';
import { PostgresAuditStore, type AuditStore } from './persistence/audit-store';
import { AUDIT_QUERY, AuditQueryController } from './query/audit-query.controller';
import { AuditQueryService } from './query/audit-query.service';
import { TenantHealthSampler } from './query/tenant-health.sampler';

const AUDIT_PARTITIONS = Symbol('AUDIT_PARTITIONS');
const AUDIT_STORE = Symbol('AUDIT_STORE');
const REPLAY_PUBLISHER = Symbol('REPLAY_PUBLISHER');

/** Runs the retention job and the tenant health sampler for the life of the service. */
@Injectable()
class BackgroundJobs implements OnModuleInit, OnApplicationShutdown {
  private readonly retention: AuditRetentionJob;
  private readonly health: TenantHealthSampler;
  private readonly collector: DeadLetterCollector;

  constructor(
    @Inject(DataSource) dataSource: DataSource,
    @Inject(KAFKA) kafka: Kafka,
    @Inject(TOPIC_NAMES) topics: TopicNames,
    @Inject(DEAD_LETTERS) deadLetterService: DeadLetterService,
    @Inject(REPLAY_PUBLISHER) private readonly replayPublisher: KafkaReplayPublisher,
    @Inject(AUDIT_PARTITIONS) partitions: AuditPartitions,
    @Inject(AUDIT_STORE) store: AuditStore,
    @Inject(AUDIT_QUERY) query: AuditQueryService,
    @Inject(METRICS_REGISTRY) metrics: MetricsRegistry,
    @Inject(SERVICE_CONFIG) config: AuditLogServiceConfig,
    @Inject(LOGGER) logger: JsonLogger,
  ) {
    const deadLetters = new DeadLetterRepository(dataSource);
    this.retention = new AuditRetentionJob(
      partitions,
      config.AUDIT_RETENTION_DAYS,
      config.AUDIT_MAINTENANCE_INTERVAL_MS,
      logger.child('audit-retention'),
      undefined,
      async (cutoff) => (await store.read.rollups.deleteBefore(cutoff)) + (await deadLetters.deleteBefore(cutoff)),
    );
    this.collector = new DeadLetterCollector(kafka, topics, `${config.TOPIC_PREFIX}audit-log-service.dead-letters`, deadLetterService, logger.child('dead-letters'));
    this.health = new TenantHealthSampler(() => query.healthOf(undefined), tenantHealthMetricsOf(metrics), config.AUDIT_HEALTH_SAMPLE_INTERVAL_MS, logger.child('tenant-health'));
  }

  async onModuleInit(): Promise<void> {
    await this.retention.start();
    this.health.start();
    await this.collector.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.collector.stop();
    await this.replayPublisher.close();
    await this.health.stop();
    await this.retention.stop();
  }
}

/**
 * The audit log: consumes request records and domain events into the append-only store,
 * enforces retention, and serves the query API and the ops dashboard (docs/audit.md).
 */
@Module({})
export class AuditLogServiceModule {
  static forRoot(): DynamicModule {
    return {
      module: AuditLogServiceModule,
      imports: [DashboardModule.forRoot()],
      controllers: [AuditIngestConsumer, AuditQueryController, DeadLettersController],
      providers: [
        { provide: AUDIT_PARTITIONS, inject: [DataSource], useFactory: (ds: DataSource) => new AuditPartitions(ds) },
        { provide: AUDIT_STORE, inject: [DataSource, AUDIT_PARTITIONS], useFactory: (ds: DataSource, partitions: AuditPartitions) => new PostgresAuditStore(ds, partitions) },
        {
          provide: AUDIT_INGEST,
          inject: [AUDIT_STORE, SERVICE_CONFIG],
          useFactory: (store: AuditStore, config: AuditLogServiceConfig) => new AuditIngestService(store, config.AUDIT_RETENTION_DAYS),
        },
        {
          provide: AUDIT_QUERY,
          inject: [AUDIT_STORE, SERVICE_CONFIG],
          useFactory: (store: AuditStore, config: AuditLogServiceConfig) => new AuditQueryService(store.read, config.AUDIT_HEALTH_WINDOW_MINUTES * 60_000),
        },
        {
          provide: AUDIT_CREDENTIALS,
          inject: [DataSource, SERVICE_CONFIG],
          useFactory: (ds: DataSource, config: AuditLogServiceConfig) =>
            new AuditCredentialService(new AuditCredentialRepository(ds), config.AUDIT_OPS_TOKEN, config.AUDIT_CREDENTIAL_CACHE_TTL_MS),
        },
        { provide: REPLAY_PUBLISHER, inject: [KAFKA, TOPIC_NAMES], useFactory: (kafka: Kafka, topics: TopicNames) => new KafkaReplayPublisher(kafka, topics) },
        {
          provide: DEAD_LETTERS,
          inject: [DataSource, REPLAY_PUBLISHER],
          useFactory: (ds: DataSource, publisher: KafkaReplayPublisher) => new DeadLetterService(new DeadLetterRepository(ds), publisher),
        },
        AuditAuthGuard,
        BackgroundJobs,
      ],
    };
  }
}
