import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { MetricsRegistry } from './metrics-registry';

export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');

/**
 * `GET /metrics`: the service's metrics in the Prometheus text format, unauthenticated like
 * `/health` (it holds no secrets; tenant ids are opaque). When collection fails the failure is
 * logged and the scrape gets a 500, so Prometheus marks the scrape failed; serving goes on.
 */
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(METRICS_REGISTRY) private readonly metrics: MetricsRegistry) {}

  @Get()
  async scrape(@Res() reply: FastifyReply): Promise<void> {
    const exposition = await this.metrics.expose();
    if (exposition.ok) await reply.status(HttpStatus.OK).header('content-type', exposition.contentType).send(exposition.body);
    else await reply.status(HttpStatus.INTERNAL_SERVER_ERROR).header('content-type', 'text/plain; charset=utf-8').send('metrics collection failed\n');
  }
}
