import type { TenantHealth } from '@app/contracts';
import { type ComponentLogger, type TenantHealthMetrics } from '@app/observability';
import { PeriodicTask } from '@app/scheduling';
import { stateLevel } from '../domain/tenant-health';

/**
 * Publishes every tenant's health as gauges for Prometheus every interval (and once at start).
 * The gauges are rebuilt each time, so a tenant that went away or changed reason leaves no stale series.
 */
export class TenantHealthSampler {
  private readonly task: PeriodicTask;

  constructor(
    private readonly healthOf: () => Promise<TenantHealth[]>,
    private readonly metrics: TenantHealthMetrics,
    intervalMs: number,
    logger: ComponentLogger,
  ) {
    this.task = new PeriodicTask('sampling tenant health', intervalMs, () => this.sample(), logger);
  }

  start(): void {
    this.task.start();
  }

  stop(): Promise<void> {
    return this.task.stop();
  }

  async sample(): Promise<void> {
    const health = await this.healthOf();
    for (const gauge of Object.values(this.metrics)) gauge.reset();
    for (const h of health) {
      const labels = { tenant_id: h.tenantId, tenant: h.name ?? h.tenantId };
      this.metrics.state.set({ ...labels, reason: h.reasons[0]?.code ?? 'none' }, stateLevel(h.state));
      for (const [kind, share] of Object.entries(h.shares)) this.metrics.failureShare.set({ ...labels, kind }, share);
      this.metrics.errorRate.set(labels, h.errorRate);
      this.metrics.requests.set(labels, h.requests);
    }
  }
}
