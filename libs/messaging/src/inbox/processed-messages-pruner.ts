import type { DataSource } from 'typeorm';
import { type ComponentLogger } from '@app/observability';
import { PeriodicTask } from '@app/scheduling';

/**
 * Deletes processed-message ids older than the longest time a message can still be redelivered
 * (the retention of the topics consumed), in bounded chunks so no delete holds locks for long.
 */
export class ProcessedMessagesPruner {
  private readonly task: PeriodicTask;

  constructor(
    private readonly dataSource: DataSource,
    private readonly retentionMs: number,
    logger: ComponentLogger,
    intervalMs = 10 * 60_000,
    private readonly chunk = 10_000,
  ) {
    this.task = new PeriodicTask('pruning processed message ids', intervalMs, () => this.pruneOnce(), logger);
  }

  start(): void {
    this.task.start();
  }

  stop(): Promise<void> {
    return this.task.stop();
  }

  /** Returns how many ids were deleted. */
  async pruneOnce(): Promise<number> {
    let total = 0;
    for (;;) {
      const result = await this.dataSource.query(
        `DELETE FROM processed_messages WHERE ctid = ANY(ARRAY(
           SELECT ctid FROM processed_messages
           WHERE processed_at < now() - ($1::bigint * interval '1 millisecond') LIMIT $2))`,
        [this.retentionMs, this.chunk],
      );
      const deleted = Array.isArray(result) ? Number(result[1] ?? 0) : 0;
      total += deleted;
      if (deleted < this.chunk) return total;
    }
  }
}
