import type { ComponentLogger } from '@app/observability';
import type { AuditPartitions } from './audit-partitions';

/** Partitions are created this many days ahead, so a quiet night never writes into a missing one. */
export const PARTITION_DAYS_AHEAD = 2;

/**
 * Enforces the retention period: at start and every interval, drops the partitions of days past
 * it and creates the coming days' partitions. One run at a time per process; concurrent runs in
 * other instances are safe (partition DDL is serialised by an advisory lock).
 */
export class AuditRetentionJob {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly partitions: AuditPartitions,
    private readonly retentionDays: number,
    private readonly intervalMs: number,
    private readonly logger: ComponentLogger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async start(): Promise<void> {
    await this.runOnce();
    this.timer = setInterval(() => {
      this.running ??= this.runOnce()
        .then(() => undefined)
        .catch((err) => this.logger.warn('audit retention run failed', { error: err as Error }))
        .finally(() => (this.running = undefined));
    }, this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Returns the partitions dropped. */
  async runOnce(): Promise<string[]> {
    const now = this.now();
    await this.partitions.ensureAhead(now, PARTITION_DAYS_AHEAD);
    const dropped = await this.partitions.dropExpired(now, this.retentionDays);
    if (dropped.length > 0) this.logger.info('audit partitions past retention dropped', { dropped, retentionDays: this.retentionDays });
    return dropped;
  }
}
