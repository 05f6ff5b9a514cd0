import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min, MinLength } from 'class-validator';
import { ServiceBaseConfig } from '@app/config';

export class AuditLogServiceConfig extends ServiceBaseConfig {
  override HTTP_PORT = 3103;

  /**
   * Nobody waits on the audit log's consumption: it fetches in larger batches (at least 64 KiB
   * or 250 ms), far fewer fetch requests for the broker and insert transactions for Postgres
   * under a burst, for at most 250 ms more audit lag.
   */
  override KAFKA_FETCH_MIN_BYTES = 65_536;
  override KAFKA_FETCH_MAX_WAIT_MS = 250;

  /**
   * Bearer credential of ops on the query API and dashboard: sees every tenant and issues tenant
   * credentials. At least 32 characters. Unset: only tenant credentials work, and none can be issued.
   */
  @IsOptional()
  @IsString()
  @MinLength(32)
  AUDIT_OPS_TOKEN?: string;

  /** Days requests and changes are kept; whole days past it are dropped by the retention job. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3650)
  AUDIT_RETENTION_DAYS = 90;

  /** How often the retention job runs (it also creates the partitions of the coming days). */
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  @Max(86_400_000)
  AUDIT_MAINTENANCE_INTERVAL_MS = 3_600_000;

  /** How long a tenant credential's verdict is cached; a revocation takes this long to apply. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  AUDIT_CREDENTIAL_CACHE_TTL_MS = 30_000;

  /** Entra's window for tenant health: failure shares and the quarantine-risk state are over the last this many minutes. */
  @Type(() => Number)
  @IsInt()
  @Min(5)
  @Max(1440)
  AUDIT_HEALTH_WINDOW_MINUTES = 60;

  /** How often tenant health is sampled into the Prometheus gauges. */
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  @Max(3_600_000)
  AUDIT_HEALTH_SAMPLE_INTERVAL_MS = 15_000;
}
