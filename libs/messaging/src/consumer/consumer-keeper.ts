import type { Consumer, ConsumerCrashEvent } from 'kafkajs';
import type { ComponentLogger } from '@app/observability';

export interface ConsumerKeeperOptions {
  /** A new kafkajs consumer (a crashed one is never reused). */
  create(): Consumer;
  /** Attaches listeners, connects, subscribes and runs it. */
  run(consumer: Consumer): Promise<void>;
  logger: ComponentLogger;
  /** Names the consumer in logs. */
  name: string;
  /** First delay before a restart after a crash kafkajs does not restart itself; doubles up to 30 s. */
  restartDelayMs?: number;
}

/**
 * Keeps a kafkajs consumer running for the life of the service. kafkajs restarts a consumer
 * that crashed on a retriable error (a broker restart) by itself; on any other crash it stops
 * for good and the service would silently consume nothing. Here such a crash is logged and the
 * consumer is replaced by a new one (with backoff) until stop(). `joined` tells readiness whether
 * the current consumer is in its group.
 */
export class ConsumerKeeper {
  private current?: Consumer;
  private stopped = false;
  private inGroup = false;
  private restartTimer?: NodeJS.Timeout;
  private restarting?: Promise<void>;
  private failures = 0;

  constructor(private readonly options: ConsumerKeeperOptions) {}

  get consumer(): Consumer | undefined {
    return this.current;
  }

  /** True once the current consumer joined its group, until it crashes or stops. */
  get joined(): boolean {
    return this.inGroup;
  }

  /** Starts the first consumer; rejects if it cannot (start-up then decides what to do). */
  async start(): Promise<void> {
    this.stopped = false;
    await this.launch();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.restartTimer);
    await this.restarting?.catch(() => undefined);
    const consumer = this.current;
    this.current = undefined;
    this.inGroup = false;
    await consumer?.disconnect();
  }

  private async launch(): Promise<void> {
    const consumer = this.options.create();
    this.current = consumer;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      if (this.current !== consumer) return;
      this.inGroup = true;
      this.failures = 0;
    });
    consumer.on(consumer.events.CRASH, (event: ConsumerCrashEvent) => this.onCrash(consumer, event));
    consumer.on(consumer.events.STOP, () => {
      if (this.current === consumer) this.inGroup = false;
    });
    await this.options.run(consumer);
  }

  private onCrash(consumer: Consumer, event: ConsumerCrashEvent): void {
    if (this.current !== consumer) return;
    this.inGroup = false;
    const { error, restart } = event.payload;
    if (restart) {
      this.options.logger.warn(`${this.options.name}: consumer crashed; kafkajs restarts it`, { error });
      return;
    }
    if (this.stopped) return;
    this.failures += 1;
    const delay = Math.min(30_000, (this.options.restartDelayMs ?? 1_000) * 2 ** Math.min(this.failures - 1, 5));
    this.options.logger.error(`${this.options.name}: consumer crashed and kafkajs gave up; starting a new one`, { error, inMs: delay, failures: this.failures });
    this.restartTimer = setTimeout(() => {
      this.restarting = this.replace(consumer).finally(() => (this.restarting = undefined));
    }, delay);
  }

  private async replace(crashed: Consumer): Promise<void> {
    if (this.stopped) return;
    await crashed.disconnect().catch(() => undefined);
    try {
      await this.launch();
      this.options.logger.info(`${this.options.name}: new consumer started`);
    } catch (err) {
      // The new one could not even start: treat it as another crash of the same kind.
      const failed = this.current;
      if (failed) this.onCrash(failed, { payload: { error: err as Error, groupId: '', restart: false } } as ConsumerCrashEvent);
    }
  }
}
