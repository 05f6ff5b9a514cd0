import type { ComponentLogger } from '../json-logger';
import { everyMinuteAtMost } from './throttle';

/**
 * Runs a measurement now and then every `intervalMs` (for gauges that cost a query to read, such
 * as the outbox backlog or the consumer lag), instead of on each scrape: a scrape stays cheap and
 * cannot pile queries onto a struggling database or broker. Never two runs at once; a failed run
 * is logged (at most once a minute) and the next one tries again.
 */
export class PeriodicSampler {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private readonly report: (error: Error) => void;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly sample: () => Promise<void>,
    logger?: ComponentLogger,
  ) {
    this.report = everyMinuteAtMost((error: Error) => logger?.warn(`measuring ${name} failed`, { error }));
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.runOnce(), this.intervalMs);
    this.timer.unref();
    void this.runOnce();
  }

  /** One measurement, unless one is already under way; resolves when it is done, never rejects. */
  runOnce(): Promise<void> {
    this.running ??= this.sample()
      .catch((err) => this.report(err instanceof Error ? err : new Error(String(err))))
      .finally(() => (this.running = undefined));
    return this.running;
  }

  /** Stops the timer and waits for a measurement under way. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
