import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { JsonLogger } from '@app/observability';
import { LOGGER, SERVICE_CONFIG } from '@app/runtime';
import { PeriodicTask } from '@app/scheduling';
import { pruneCommandReplies } from './reply-ledger';

/** The variable a service with stored command replies reads (see its configuration class). */
export interface CommandReplyRetentionConfig {
  COMMAND_REPLY_RETENTION_MS: number;
}

const PRUNE_EVERY_MS = 60_000;

/**
 * Stored replies are only useful while a gateway can still be waiting for a redelivered
 * command; at thousands of commands a second, keeping them forever would dwarf the resources
 * themselves. A PeriodicTask deletes the expired ones every minute, in bounded chunks.
 */
@Injectable()
export class CommandReplyRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly task: PeriodicTask;

  constructor(dataSource: DataSource, @Inject(SERVICE_CONFIG) config: CommandReplyRetentionConfig, @Inject(LOGGER) logger: JsonLogger) {
    this.task = new PeriodicTask(
      'pruning stored command replies',
      PRUNE_EVERY_MS,
      () => pruneCommandReplies(dataSource, config.COMMAND_REPLY_RETENTION_MS),
      logger.child('command-reply-retention'),
    );
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }
}
