import { type ComponentLogger } from '@app/observability';
import { PeriodicTask } from '@app/scheduling';
import type { AuditPartitions } from './audit-partitions';

/** Partitions are created this many days ahead, so a quiet night never writes into a missing one. */
export const PARTITION_DAYS_AHEAD = 2;

/**
 * Enforces the retention period: at start and every interval, drops the partitions of days past
 * it and creates the coming days' partitions. Concurrent runs in other instances are safe
 * (partition DDL is serialised by an advisory lock).
 */
export class AuditRetentionJob {
  private readonly task: PeriodicTask;

  constructor(
    private readonly partitions: AuditPartitions,
    private readonly retentionDays: number,
    intervalMs: number,
    private readonly logger: ComponentLogger,
    private readonly now: () => Date = () => new Date(),
    /** Deletes rows of the tables kept outside partitions (the rollups) older than the cut-off. */
    private readonly pruneBefore: (cutoff: Date) => Promise<number> = async () => 0,
  ) {
    this.task = new PeriodicTask('audit retention', intervalMs, () => this.runOnce(), logger);
  }

  /** Starts the timer; resolves once the first run (partitions for today and ahead) is done. */
  start(): Promise<void> {
    this.task.start();
    return this.task.runOnce();
  }

  stop(): Promise<void> {
    return this.task.stop();
  }

  /** Returns the partitions dropped. */
  async runOnce(): Promise<string[]> {
    const now = this.now();
    await this.partitions.ensureAhead(now, PARTITION_DAYS_AHEAD);
    const dropped = await this.partitions.dropExpired(now, this.retentionDays);
    if (dropped.length > 0) this.logger.info('audit partitions past retention dropped', { dropped, retentionDays: this.retentionDays });
    const pruned = await this.pruneBefore(new Date(now.getTime() - this.retentionDays * 86_400_000));
    if (pruned > 0) this.logger.info('request rollups past retention deleted', { rows: pruned, retentionDays: this.retentionDays });
    return dropped;
  }
}
