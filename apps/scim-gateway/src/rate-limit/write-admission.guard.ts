import { CanActivate, ExecutionContext, Inject, Injectable, Optional } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { METRICS_REGISTRY, MetricsRegistry } from '@app/observability';
import { GatewayError } from '../errors/gateway-error';
import { SCIM_EDGE_OPTIONS, type ScimEdgeOptions } from '../edge/scim-edge.options';
import '../auth/scim-request';
import { isWrite } from './tenant-rate-limit.guard';
import { type AdmissionSlot, WriteAdmission } from './write-admission';

/** A shed write is told to come back in a second: by then slots have freed. */
const SHED_RETRY_AFTER_SECONDS = 1;

/**
 * Admits a tenant's write (after its own limits passed) only while the platform keeps up:
 * WriteAdmission's adaptive limit on writes in flight across all tenants, with a short bounded
 * queue in front of it. A shed write gets 429 + Retry-After and was never sent, so it is never
 * half-applied. Reads are never held here.
 */
@Injectable()
export class WriteAdmissionGuard implements CanActivate {
  private readonly admission?: WriteAdmission;
  private readonly shed?: { inc(): void };
  private readonly gauges?: { limit: { set(v: number): void }; inFlight: { set(v: number): void }; queued: { set(v: number): void } };

  constructor(@Inject(SCIM_EDGE_OPTIONS) options: ScimEdgeOptions, @Optional() @Inject(METRICS_REGISTRY) metrics?: MetricsRegistry) {
    const settings = options.writeAdmission;
    if (!settings) return;
    this.admission = new WriteAdmission({ ...settings, initialLimit: Math.min(settings.maxLimit, Math.max(settings.minLimit, 100)) });
    if (!metrics) return;
    this.shed = metrics.counter({
      name: 'scim_write_admission_shed_total',
      help: 'Writes refused (429) because the adaptive limit on writes in flight was reached',
      labelNames: [],
    });
    this.gauges = {
      limit: metrics.gauge({ name: 'scim_write_admission_limit', help: 'The adaptive limit on writes in flight across tenants', labelNames: [] }),
      inFlight: metrics.gauge({ name: 'scim_write_admission_in_flight', help: 'Writes in flight across tenants', labelNames: [] }),
      queued: metrics.gauge({ name: 'scim_write_admission_queued', help: 'Writes waiting for a slot under the adaptive limit', labelNames: [] }),
    };
    this.report();
  }

  private report(): void {
    if (!this.gauges || !this.admission) return;
    const { limit, inFlight, queued } = this.admission.state;
    this.gauges.limit.set(limit);
    this.gauges.inFlight.set(inFlight);
    this.gauges.queued.set(queued);
  }

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (!this.admission || context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (!request.scimTenant || !isWrite(request)) return true;
    const response = context.switchToHttp().getResponse<FastifyReply>().raw;
    const slot = this.admission.acquire((cancel) => response.once('close', cancel));
    if (slot instanceof Promise) {
      this.report();
      return slot.then((granted) => this.admitted(granted, response));
    }
    return this.admitted(slot, response);
  }

  private admitted(slot: AdmissionSlot | undefined, response: FastifyReply['raw']): boolean {
    this.report();
    if (!slot) {
      this.shed?.inc();
      throw GatewayError.atCapacity(SHED_RETRY_AFTER_SECONDS);
    }
    // A 503 is a write that got no decision in time: the pipeline did not keep up.
    const end = () => {
      slot(response.statusCode !== 503);
      this.report();
    };
    if (response.destroyed || response.writableFinished) end();
    else response.once('close', end);
    return true;
  }
}
