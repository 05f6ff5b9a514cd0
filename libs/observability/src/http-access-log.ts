import type { FastifyInstance, FastifyRequest } from 'fastify';
import { correlationOfRequest } from './http-correlation';
import type { ComponentLogger } from './json-logger';
import { NO_TENANT, UNCOUNTED_ROUTES, UNMATCHED_ROUTE, type TenantOf } from './metrics/http-metrics';

/** What one access log line says about its request, besides time, service and level. */
export interface AccessLogLine {
  method: string;
  /** The route pattern matched (`/scim/v2/Users/:id`), never the URL with its query (filters hold personal data). */
  route: string;
  path: string;
  status: number;
  latencyMs: number;
  tenantId: string;
  correlationId?: string;
  /** The client closed the connection before the answer was sent. */
  aborted?: true;
}

/**
 * One access log line per HTTP request, through the service's pino logger (`access` component):
 * method, route pattern, path without its query, status, latency, tenant and correlation id;
 * `error` level for 5xx, `info` otherwise; `aborted: true` (status 499) when the client hung up
 * before the answer. Probes
 * and scrapes (/health, /metrics) are left out. The tenant (`tenantOf`, else the one the
 * request's correlation context names) is read when the answer is sent, so it sees what the
 * guards attached.
 *
 * Fastify's own hooks rather than pino-http: measured here, pino-http (a child logger with
 * serialisers and three response listeners per request) cost 20–60 µs of CPU per request more
 * than these two hooks writing the same line through the same pino logger (docs/observability.md).
 */
export function logHttpAccess(fastify: FastifyInstance, logger: ComponentLogger, options: { tenantOf?: TenantOf } = {}): void {
  fastify.addHook('onRequest', (request, _reply, done) => {
    (request as Timed)[STARTED] = performance.now();
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = routeOf(request);
    if (!UNCOUNTED_ROUTES.has(route)) {
      const line = lineOf(request, route, reply.statusCode, reply.elapsedTime, options.tenantOf);
      if (line.status >= 500) logger.error('request failed', { ...line });
      else logger.info('request completed', { ...line });
    }
    done();
  });
  // The answer was never sent: status 499 (the usual "client closed request").
  fastify.addHook('onRequestAbort', (request, done) => {
    const route = routeOf(request);
    const started = (request as Timed)[STARTED];
    if (!UNCOUNTED_ROUTES.has(route)) {
      logger.info('request aborted by the client', { ...lineOf(request, route, 499, started === undefined ? 0 : performance.now() - started, options.tenantOf), aborted: true });
    }
    done();
  });
}

const STARTED = Symbol('accessLogStarted');
type Timed = FastifyRequest & { [STARTED]?: number };

function routeOf(request: FastifyRequest): string {
  return request.routeOptions?.url ?? UNMATCHED_ROUTE;
}

function lineOf(request: FastifyRequest, route: string, status: number, elapsedMs: number, tenantOf: TenantOf | undefined): AccessLogLine {
  const url = request.originalUrl ?? request.url;
  const query = url.indexOf('?');
  const correlation = correlationOfRequest(request);
  return {
    method: request.method,
    route,
    path: query >= 0 ? url.slice(0, query) : url,
    status,
    latencyMs: Math.round(elapsedMs * 10) / 10,
    tenantId: tenantOf?.(request) || correlation?.tenantId || NO_TENANT,
    ...(correlation?.correlationId ? { correlationId: correlation.correlationId } : {}),
  };
}
