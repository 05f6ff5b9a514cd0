import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import pinoHttp from 'pino-http';
import { correlationOfRequest } from './http-correlation';
import type { ComponentLogger } from './json-logger';
import { NO_TENANT, UNCOUNTED_ROUTES, UNMATCHED_ROUTE, type TenantOf } from './metrics/http-metrics';

const REQUEST = Symbol('fastifyRequest');
type Tagged = IncomingMessage & { [REQUEST]?: FastifyRequest };

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
  /** The client closed the connection before the whole answer was sent. */
  aborted?: boolean;
}

/**
 * One access log line per HTTP request (pino-http, through the `access` component's logger):
 * method, route pattern, path without its query, status, latency, tenant and correlation id;
 * `error` level for 5xx, `info` otherwise. Probes and scrapes (/health, /metrics) are left out.
 * The tenant (`tenantOf`, else the one the request's correlation context names) is read when
 * the answer is sent, so it sees what the guards attached.
 */
export function logHttpAccess(fastify: FastifyInstance, logger: ComponentLogger, options: { tenantOf?: TenantOf } = {}): void {
  const middleware = pinoHttp<IncomingMessage, ServerResponse>({
    logger: logger.pinoLogger,
    // The line is exactly what lineOf says (plus the unit of work's ids): no request/response dumps,
    // whose headers would carry bearer tokens.
    quietResLogger: true,
    wrapSerializers: false,
    serializers: { req: () => undefined, res: () => undefined },
    customAttributeKeys: { responseTime: 'latencyMs' },
    autoLogging: { ignore: (req) => UNCOUNTED_ROUTES.has(routeOf(req)) },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
    customSuccessMessage: () => 'request completed',
    customErrorMessage: () => 'request failed',
    customSuccessObject: (req, res, fields: { latencyMs: number }) => lineOf(req, res, fields.latencyMs, options.tenantOf),
    customErrorObject: (req, res, error, fields: { latencyMs: number }) => ({ ...lineOf(req, res, fields.latencyMs, options.tenantOf), error }),
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    (request.raw as Tagged)[REQUEST] = request;
    middleware(request.raw, reply.raw);
    done();
  });
}

function lineOf(req: Tagged, res: ServerResponse, latencyMs: number, tenantOf: TenantOf | undefined): AccessLogLine {
  const request = req[REQUEST];
  const url = request?.originalUrl ?? req.url ?? '';
  const query = url.indexOf('?');
  return {
    method: req.method ?? '',
    route: routeOf(req),
    path: query >= 0 ? url.slice(0, query) : url,
    status: res.statusCode,
    latencyMs,
    tenantId: (request && (tenantOf?.(request) || correlationOfRequest(request)?.tenantId)) || NO_TENANT,
    ...(correlationIdOf(req) ? { correlationId: correlationIdOf(req) } : {}),
    ...(res.writableFinished ? {} : { aborted: true }),
  };
}

function routeOf(req: Tagged): string {
  return req[REQUEST]?.routeOptions?.url ?? UNMATCHED_ROUTE;
}

function correlationIdOf(req: Tagged): string | undefined {
  const request = req[REQUEST];
  return request ? correlationOfRequest(request)?.correlationId : undefined;
}
