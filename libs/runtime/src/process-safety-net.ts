import type { ComponentLogger, MetricsRegistry } from '@app/observability';

export type ProcessFaultKind = 'unhandled-rejection' | 'uncaught-exception';

/**
 * The last resort of a service process. Node ends a process on an unhandled rejection or an
 * uncaught exception; a dependency outage must never do that (a broker restart once ended the
 * gateway through a rejected promise nobody awaited). Every such fault is a bug to fix where it
 * happens, so each one is logged as an error with its stack and counted
 * (`process_faults_total{kind}`), never hidden; the process goes on serving, and its readiness
 * still reports whether its dependencies answer.
 */
export class ProcessSafetyNet {
  private readonly counts: Record<ProcessFaultKind, number> = { 'unhandled-rejection': 0, 'uncaught-exception': 0 };
  private onFault?: (kind: ProcessFaultKind) => void;
  private readonly handlers: Array<[string, (...args: any[]) => void]> = [];

  constructor(private readonly logger: ComponentLogger) {}

  install(): this {
    const rejection = (reason: unknown) => this.fault('unhandled-rejection', reason);
    const exception = (error: unknown) => this.fault('uncaught-exception', error);
    process.on('unhandledRejection', rejection);
    process.on('uncaughtException', exception);
    this.handlers.push(['unhandledRejection', rejection], ['uncaughtException', exception]);
    return this;
  }

  uninstall(): void {
    for (const [event, handler] of this.handlers) process.off(event, handler);
    this.handlers.length = 0;
  }

  /** From now on faults are also counted in the service's metrics (earlier ones are added at once). */
  countIn(metrics: MetricsRegistry): void {
    const counter = metrics.counter({
      name: 'process_faults_total',
      help: 'Unhandled promise rejections and uncaught exceptions the process survived (each one is a bug; see the error log)',
      labelNames: ['kind'] as const,
    });
    for (const kind of Object.keys(this.counts) as ProcessFaultKind[]) counter.inc({ kind }, this.counts[kind]);
    this.onFault = (kind) => counter.inc({ kind });
  }

  get faults(): Readonly<Record<ProcessFaultKind, number>> {
    return this.counts;
  }

  private fault(kind: ProcessFaultKind, reason: unknown): void {
    this.counts[kind] += 1;
    this.onFault?.(kind);
    const error = reason instanceof Error ? reason : new Error(`non-error value: ${safeString(reason)}`);
    try {
      this.logger.error(kind === 'unhandled-rejection' ? 'unhandled promise rejection (survived)' : 'uncaught exception (survived)', { error, kind });
    } catch {
      process.stderr.write(`${kind}: ${error.stack ?? error.message}\n`);
    }
  }
}

function safeString(value: unknown): string {
  try {
    return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    return String(value);
  }
}
