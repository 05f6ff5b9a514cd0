import { AsyncResource } from 'node:async_hooks';
import { context as traceContext, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_HTTP_ROUTE, ATTR_URL_PATH } from '@opentelemetry/semantic-conventions';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CORRELATION_HEADER, newCorrelationId, runWithCorrelation, type CorrelationContext } from './correlation';
import { UNCOUNTED_ROUTES, UNMATCHED_ROUTE } from './metrics/http-metrics';
import { contextFromHeaders, traceHeaders, tracer } from './tracing/tracing';

/** What a caller may send as a correlation id; anything else is replaced by a new one. */
export const SANE_CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

const INSTALLED = Symbol('correlationInstalled');
const SCOPE = Symbol('correlationScope');
const CONTEXT = Symbol('correlationContext');
type Scoped = FastifyRequest & { [SCOPE]?: AsyncResource; [CONTEXT]?: CorrelationContext };

/**
 * Every HTTP request of a service runs in a correlation context: the caller's `x-correlation-id`
 * (the gateway sends the SCIM request's own to the internal query APIs), else a new one, echoed
 * in the answer, so each log line the request causes carries it; and its `clientGone` signal
 * aborts when the caller's connection closes before the answer (reads made for it are then
 * abandoned). It also runs in a server span (OpenTelemetry), child of the caller's W3C
 * `traceparent` when it sent one, ended when the answer is sent or the client is gone; probes and
 * scrapes (/health, /metrics) have none. Body parsing may resume on socket events outside the request's async context: it
 * is re-entered before the handler runs (what @fastify/request-context does). Idempotent.
 */
export function correlateHttpRequests(fastify: FastifyInstance): void {
  const marked = fastify as FastifyInstance & { [INSTALLED]?: boolean };
  if (marked[INSTALLED]) return;
  marked[INSTALLED] = true;
  fastify.addHook('onRequest', (request, reply, done) => {
    const given = request.headers[CORRELATION_HEADER];
    const correlationId = typeof given === 'string' && SANE_CORRELATION_ID.test(given) ? given : newCorrelationId();
    void reply.header(CORRELATION_HEADER, correlationId);
    const gone = new AbortController();
    const response = reply.raw;
    response.once('close', () => {
      if (!response.writableFinished) gone.abort();
    });
    const context: CorrelationContext = { correlationId, clientGone: gone.signal };
    (request as Scoped)[CONTEXT] = context;
    const route = request.routeOptions?.url ?? UNMATCHED_ROUTE;
    let traced = ROOT_CONTEXT;
    if (!UNCOUNTED_ROUTES.has(route)) {
      const parent = contextFromHeaders(request.headers, ROOT_CONTEXT);
      const span = tracer().startSpan(
        `${request.method} ${route}`,
        { kind: SpanKind.SERVER, attributes: { [ATTR_HTTP_REQUEST_METHOD]: request.method, [ATTR_HTTP_ROUTE]: route, [ATTR_URL_PATH]: request.url.split('?')[0] } },
        parent,
      );
      response.once('close', () => {
        span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, response.statusCode);
        if (!response.writableFinished) span.setStatus({ code: SpanStatusCode.ERROR, message: 'client closed the connection before the answer' });
        else if (response.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      });
      traced = trace.setSpan(parent, span);
    }
    traceContext.with(traced, () =>
      runWithCorrelation(context, () => {
        (request as Scoped)[SCOPE] = new AsyncResource('http-request');
        done();
      }),
    );
  });
  fastify.addHook('preValidation', (request, _reply, done) => {
    const scope = (request as Scoped)[SCOPE];
    if (scope) scope.runInAsyncScope(done);
    else done();
  });
}

/**
 * The correlation context of a request (undefined when correlateHttpRequests is not installed),
 * for code that holds the request but may run outside its async context (Fastify hooks).
 */
export function correlationOfRequest(request: FastifyRequest): CorrelationContext | undefined {
  return (request as Scoped)[CONTEXT];
}

/**
 * The headers that carry the current correlation id and trace context (W3C `traceparent`) to
 * another service's HTTP API (none outside a context).
 */
export function correlationHeaders(context: CorrelationContext | undefined): Record<string, string> {
  return { ...traceHeaders(), ...(context?.correlationId ? { [CORRELATION_HEADER]: context.correlationId } : {}) };
}
