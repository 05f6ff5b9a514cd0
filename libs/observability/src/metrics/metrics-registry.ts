import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ComponentLogger } from '../json-logger';

export interface MetricsRegistryOptions {
  /** The `service` label every metric of this registry carries. */
  service: string;
  /** Node.js process metrics (CPU, memory, event loop lag, GC, handles); on unless false. */
  defaultMetrics?: boolean;
  /** Where failures to collect or render are reported. */
  logger?: ComponentLogger;
}

export interface MetricSpec<L extends string> {
  name: string;
  help: string;
  labelNames: readonly L[];
}

export interface HistogramSpec<L extends string> extends MetricSpec<L> {
  buckets: number[];
}

/** What GET /metrics answers with: the exposition text, or why there is none. */
export type MetricsExposition = { ok: true; contentType: string; body: string } | { ok: false; error: Error };

/**
 * One service's metrics: a prom-client Registry of its own (never the global one, so several
 * services started in one process, as tests do, keep their metrics apart), with a `service`
 * label on every metric. Metrics are declared get-or-create, so every component that needs the
 * same metric (two transports, a relay) shares one instead of failing on a duplicate name.
 */
export class MetricsRegistry {
  readonly registry = new Registry();
  readonly service: string;
  private readonly logger?: ComponentLogger;

  constructor(options: MetricsRegistryOptions) {
    this.service = options.service;
    this.logger = options.logger;
    this.registry.setDefaultLabels({ service: options.service });
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  counter<L extends string>(spec: MetricSpec<L>): Counter<L> {
    return this.getOrCreate(spec.name, Counter, () => new Counter({ ...spec, labelNames: [...spec.labelNames], registers: [this.registry] }));
  }

  gauge<L extends string>(spec: MetricSpec<L>): Gauge<L> {
    return this.getOrCreate(spec.name, Gauge, () => new Gauge({ ...spec, labelNames: [...spec.labelNames], registers: [this.registry] }));
  }

  histogram<L extends string>(spec: HistogramSpec<L>): Histogram<L> {
    return this.getOrCreate(spec.name, Histogram, () => new Histogram({ ...spec, labelNames: [...spec.labelNames], registers: [this.registry] }));
  }

  /**
   * Every sample name this registry can expose, as PromQL sees them (a histogram's `_bucket`,
   * `_sum` and `_count`), whether or not it has samples yet.
   */
  exposedNames(): string[] {
    return this.registry.getMetricsAsArray().flatMap((m) => {
      const { name, type } = m as unknown as { name: string; type: string };
      if (type === 'histogram') return [`${name}_bucket`, `${name}_sum`, `${name}_count`];
      if (type === 'summary') return [name, `${name}_sum`, `${name}_count`];
      return [name];
    });
  }

  /** The Prometheus text exposition. Never throws: a failing collector is logged and reported. */
  async expose(): Promise<MetricsExposition> {
    try {
      return { ok: true, contentType: this.registry.contentType, body: await this.registry.metrics() };
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      this.logger?.error('collecting metrics failed', { error });
      return { ok: false, error };
    }
  }

  private getOrCreate<M>(name: string, type: abstract new (...args: never[]) => M, create: () => M): M {
    const existing = this.registry.getSingleMetric(name);
    if (existing === undefined) return create();
    if (!(existing instanceof type)) throw new Error(`metric ${name} is already registered as another type`);
    return existing;
  }
}
