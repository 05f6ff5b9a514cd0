import { everyMinuteAtMost, type ComponentLogger } from '@app/observability';

/**
 * Runs a piece of background work now and then every `intervalMs`: a measurement that costs a
 * query (outbox backlog, consumer lag; read on a timer, never on a scrape), or upkeep (pruning
 * processed-message ids, audit retention). Never two runs at once; a failed run is logged as
 * "<name> failed" (at most once a minute) and the next one tries again.
 */
export class PeriodicTask {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private readonly report: (error: Error) => void;

  constructor(
    name: string,
    private readonly intervalMs: number,
    private readonly work: () => Promise<unknown>,
    logger?: ComponentLogger,
  ) {
    this.report = everyMinuteAtMost((error: Error) => logger?.warn(`${name} failed`, { error }));
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.runOnce(), this.intervalMs);
    this.timer.unref();
    void this.runOnce();
  }

  /** One run, unless one is already under way (then that one); resolves when it is done, never rejects. */
  runOnce(): Promise<void> {
    this.running ??= this.work()
      .then(() => undefined)
      .catch((err) => this.report(err instanceof Error ? err : new Error(String(err))))
      .finally(() => (this.running = undefined));
    return this.running;
  }

  /** Stops the timer and waits for a run under way. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
