import { AsyncResource } from 'node:async_hooks';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CORRELATION_HEADER, newCorrelationId, runWithCorrelation, type CorrelationContext } from './correlation';

/** What a caller may send as a correlation id; anything else is replaced by a new one. */
export const SANE_CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

const SCOPE = Symbol('correlation-scope');
type Scoped = FastifyRequest & { [SCOPE]?: AsyncResource };

/**
 * Every HTTP request of a service runs in a correlation context: the caller's `x-correlation-id`
 * (the gateway sends the SCIM request's own to the internal query APIs), else a new one, echoed
 * in the answer, so each log line the request causes carries it. Body parsing may resume on
 * socket events outside the request's async context: it is re-entered before the handler runs.
 */
export function correlateHttpRequests(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    const given = request.headers[CORRELATION_HEADER];
    const correlationId = typeof given === 'string' && SANE_CORRELATION_ID.test(given) ? given : newCorrelationId();
    void reply.header(CORRELATION_HEADER, correlationId);
    const context: CorrelationContext = { correlationId };
    runWithCorrelation(context, () => {
      (request as Scoped)[SCOPE] = new AsyncResource('http-request');
      done();
    });
  });
  fastify.addHook('preValidation', (request, _reply, done) => {
    const scope = (request as Scoped)[SCOPE];
    if (scope) scope.runInAsyncScope(done);
    else done();
  });
}

/** The header that carries the current correlation id to another service's HTTP API (none outside a context). */
export function correlationHeaders(context: CorrelationContext | undefined): Record<string, string> {
  return context?.correlationId ? { [CORRELATION_HEADER]: context.correlationId } : {};
}
