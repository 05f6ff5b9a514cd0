import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentLogger } from '../json-logger';
import type { MetricsRegistry } from './metrics-registry';
import { everyMinuteAtMost } from '../throttle';

/** Route label of a request no route matched (404s): raw URLs would make the label unbounded. */
export const UNMATCHED_ROUTE = 'unmatched';
/** Tenant label of a request without a tenant (unauthenticated, internal, admin). */
export const NO_TENANT = 'none';
/** Scrapes and probes are not traffic: counting them would only show the scrape interval. */
export const UNCOUNTED_ROUTES: ReadonlySet<string> = new Set(['/metrics', '/health', '/health/ready']);

/** SCIM writes wait for a Kafka round trip and may wait up to the decision timeout (10 s by default). */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export const HttpMetricNames = {
  requests: 'scim_http_requests_total',
  duration: 'scim_http_request_duration_seconds',
} as const;

/** Reads the tenant of a request for the `tenant` label; undefined when it has none. */
export type TenantOf = (request: FastifyRequest) => string | undefined;

export interface HttpSample {
  route: string;
  method: string;
  status: number;
  tenant: string;
  seconds: number;
}

export function httpMetricsOf(metrics: MetricsRegistry) {
  return {
    requests: metrics.counter({
      name: HttpMetricNames.requests,
      help: 'HTTP requests answered, by matched route pattern, method, status code and tenant',
      labelNames: ['route', 'method', 'status', 'tenant'],
    }),
    duration: metrics.histogram({
      name: HttpMetricNames.duration,
      help: 'Time from receiving an HTTP request to finishing its response, by route pattern, method and status class',
      labelNames: ['route', 'method', 'status_class'],
      buckets: LATENCY_BUCKETS,
    }),
  };
}

/** "2xx" for 204: the latency histogram's labels stay few (one series set per class, not per code). */
export function statusClassOf(status: number): string {
  return status >= 100 && status < 600 ? `${Math.floor(status / 100)}xx` : 'other';
}

/**
 * What one answered request contributes, or undefined when it is not counted. The route is the
 * pattern the router matched (`/scim/v2/Users/:id`), never the URL.
 */
export function httpSampleOf(request: FastifyRequest, reply: FastifyReply, tenantOf?: TenantOf): HttpSample | undefined {
  const route = request.routeOptions?.url ?? UNMATCHED_ROUTE;
  if (UNCOUNTED_ROUTES.has(route)) return undefined;
  return {
    route,
    method: request.method,
    status: reply.statusCode,
    tenant: tenantOf?.(request) || NO_TENANT,
    seconds: reply.elapsedTime / 1000,
  };
}

/**
 * Counts and times every response of a Fastify instance. Add it before the server is ready (as
 * bootstrapService does, right after creating the adapter). A failure here is logged and the
 * request goes on: metrics must never break serving.
 */
export function instrumentHttp(fastify: FastifyInstance, metrics: MetricsRegistry, options: { tenantOf?: TenantOf; logger?: ComponentLogger } = {}): void {
  const { requests, duration } = httpMetricsOf(metrics);
  const report = everyMinuteAtMost((error: Error) => options.logger?.warn('recording HTTP metrics failed', { error }));
  fastify.addHook('onResponse', (request, reply, done) => {
    try {
      const sample = httpSampleOf(request, reply, options.tenantOf);
      if (sample) {
        requests.inc({ route: sample.route, method: sample.method, status: String(sample.status), tenant: sample.tenant });
        duration.observe({ route: sample.route, method: sample.method, status_class: statusClassOf(sample.status) }, sample.seconds);
      }
    } catch (err) {
      report(err instanceof Error ? err : new Error(String(err)));
    }
    done();
  });
}
