import { DynamicModule, Inject, Injectable, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { JsonLogger } from '@app/observability';
import { LOGGER, SERVICE_CONFIG } from '@app/runtime';
import { AuditLogServiceConfig } from './audit-log-service.config';
import { AUDIT_CREDENTIALS, AuditAuthGuard } from './auth/audit-auth.guard';
import { AuditCredentials } from './auth/audit-credentials';
import { DashboardModule } from './dashboard/dashboard.module';
import { AUDIT_INGEST, AuditIngestConsumer } from './ingest/audit-ingest.consumer';
import { AUDIT_QUERY, AuditQueryController } from './query/audit-query.controller';
import { AuditQuery } from './query/audit-query';
import { AuditIngest } from './store/audit-ingest';
import { AuditPartitions } from './store/audit-partitions';
import { AuditRetentionJob } from './store/audit-retention.job';

const AUDIT_PARTITIONS = Symbol('AUDIT_PARTITIONS');

/** Runs the retention job for the life of the service. */
@Injectable()
class RetentionLifecycle implements OnModuleInit, OnApplicationShutdown {
  private readonly job: AuditRetentionJob;

  constructor(@Inject(AUDIT_PARTITIONS) partitions: AuditPartitions, @Inject(SERVICE_CONFIG) config: AuditLogServiceConfig, @Inject(LOGGER) logger: JsonLogger) {
    this.job = new AuditRetentionJob(partitions, config.AUDIT_RETENTION_DAYS, config.AUDIT_MAINTENANCE_INTERVAL_MS, logger.child('audit-retention'));
  }

  onModuleInit(): Promise<void> {
    return this.job.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.job.stop();
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
      imports: [DashboardModule],
      controllers: [AuditIngestConsumer, AuditQueryController],
      providers: [
        { provide: AUDIT_PARTITIONS, inject: [DataSource], useFactory: (ds: DataSource) => new AuditPartitions(ds) },
        {
          provide: AUDIT_INGEST,
          inject: [DataSource, AUDIT_PARTITIONS, SERVICE_CONFIG],
          useFactory: (ds: DataSource, partitions: AuditPartitions, config: AuditLogServiceConfig) => new AuditIngest(ds, partitions, config.AUDIT_RETENTION_DAYS),
        },
        { provide: AUDIT_QUERY, inject: [DataSource], useFactory: (ds: DataSource) => new AuditQuery(ds) },
        {
          provide: AUDIT_CREDENTIALS,
          inject: [DataSource, SERVICE_CONFIG],
          useFactory: (ds: DataSource, config: AuditLogServiceConfig) => new AuditCredentials(ds, config.AUDIT_OPS_TOKEN, config.AUDIT_CREDENTIAL_CACHE_TTL_MS),
        },
        AuditAuthGuard,
        RetentionLifecycle,
      ],
    };
  }
}
