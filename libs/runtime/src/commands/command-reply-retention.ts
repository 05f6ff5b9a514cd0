import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ComponentLogger, JsonLogger } from '@app/observability';
import { LOGGER, SERVICE_CONFIG } from '../tokens';

/** The variable a service with stored command replies reads (see its configuration class). */
export interface CommandReplyRetentionConfig {
  COMMAND_REPLY_RETENTION_MS: number;
}

const PRUNE_EVERY_MS = 60_000;
const ROWS_PER_DELETE = 10_000;

/**
 * Stored replies are only useful while a gateway can still be waiting for a redelivered
 * command; at thousands of commands a second, keeping them forever would dwarf the
 * resources themselves. Deletes in bounded chunks so no statement holds locks for long.
 */
@Injectable()
export class CommandReplyRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private readonly log: ComponentLogger;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(SERVICE_CONFIG) private readonly config: CommandReplyRetentionConfig,
    @Inject(LOGGER) logger: JsonLogger,
  ) {
    this.log = logger.child('command-reply-retention');
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running ??= this.prune()
        .then(() => undefined)
        .catch((err) => this.log.warn('pruning stored replies failed', { error: (err as Error).message }))
        .finally(() => (this.running = undefined));
    }, PRUNE_EVERY_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Cross-tenant housekeeping: the one statement here not scoped to a tenant, on purpose. */
  async prune(): Promise<number> {
    let total = 0;
    for (;;) {
      const [, deleted]: [unknown, number] = await this.dataSource.query(
        `DELETE FROM command_replies WHERE command_id IN (
           SELECT command_id FROM command_replies
           WHERE created_at < now() - ($1::bigint * interval '1 millisecond') LIMIT ${ROWS_PER_DELETE})`,
        [this.config.COMMAND_REPLY_RETENTION_MS],
      );
      total += deleted;
      if (deleted < ROWS_PER_DELETE) return total;
    }
  }
}
