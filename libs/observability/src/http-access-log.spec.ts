import { connect, type AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { currentCorrelation } from './correlation';
import { correlateHttpRequests, correlationHeaders } from './http-correlation';
import { logHttpAccess } from './http-access-log';
import { JsonLogger } from './json-logger';
import { startTracing } from './tracing/tracing';

declare module 'fastify' {
  interface FastifyRequest {
    accessTenant?: string;
  }
}

const exporter = new InMemorySpanExporter();
startTracing({ service: 'svc', exporter });

/** A service-shaped app: correlation, access log, a guard that sets the tenant, probes. */
async function app(lines: Array<Record<string, unknown>>): Promise<FastifyInstance> {
  const fastify = Fastify();
  correlateHttpRequests(fastify);
  logHttpAccess(fastify, new JsonLogger('svc', 'info', (l) => lines.push(JSON.parse(l) as Record<string, unknown>)).child('access'), {
    tenantOf: (r: FastifyRequest) => r.accessTenant,
  });
  fastify.addHook('preHandler', async (request: FastifyRequest) => {
    if (request.headers.authorization) request.accessTenant = 'tenant-1';
  });
  fastify.get('/scim/v2/Users/:id', async (_request, reply) => reply.send({ next: correlationHeaders(currentCorrelation()) }));
  fastify.delete('/scim/v2/Users/:id', async (_request, reply) => reply.status(503).send({}));
  fastify.get('/health', async () => ({ status: 'ok' }));
  fastify.get('/slow', async () => new Promise((resolve) => setTimeout(() => resolve({}), 300)));
  await fastify.ready();
  return fastify;
}

async function settle(): Promise<void> {
  await new Promise((r) => setImmediate(r));
}

describe('access log', () => {
  it('writes one line per request: method, route pattern, path without query, status, latency, tenant, correlation id', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const fastify = await app(lines);
    await fastify.inject({
      method: 'GET',
      url: '/scim/v2/Users/42?filter=userName%20eq%20%22a@example.com%22',
      headers: { authorization: 'Bearer secret-token', 'x-correlation-id': 'c-7' },
    });
    await settle();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'info',
      service: 'svc',
      component: 'access',
      message: 'request completed',
      method: 'GET',
      route: '/scim/v2/Users/:id',
      path: '/scim/v2/Users/42',
      status: 200,
      tenantId: 'tenant-1',
      correlationId: 'c-7',
    });
    expect(typeof lines[0].latencyMs).toBe('number');
    const text = JSON.stringify(lines[0]);
    expect(text).not.toContain('secret-token');
    expect(text).not.toContain('a@example.com');
    expect(text.match(/"correlationId"/g)).toHaveLength(1);
  });

  it('says error for 5xx, leaves probes out, names unmatched routes and requests without a tenant', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const fastify = await app(lines);
    await fastify.inject({ method: 'DELETE', url: '/scim/v2/Users/1' });
    await fastify.inject({ method: 'GET', url: '/health' });
    await fastify.inject({ method: 'GET', url: '/nowhere' });
    await settle();
    expect(lines.map((l) => [l.level, l.route, l.status, l.tenantId])).toEqual([
      ['error', '/scim/v2/Users/:id', 503, 'none'],
      ['info', 'unmatched', 404, 'none'],
    ]);
  });

  it('writes an aborted line (499) when the client hangs up before the answer', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const fastify = await app(lines);
    await fastify.listen({ port: 0, host: '127.0.0.1' });
    try {
      const { port } = fastify.server.address() as AddressInfo;
      const socket = connect(port, '127.0.0.1', () => socket.write('GET /slow HTTP/1.1\r\nHost: x\r\n\r\n'));
      await new Promise((r) => setTimeout(r, 100));
      socket.destroy();
      await new Promise((r) => setTimeout(r, 400));
      expect(lines.filter((l) => l.route === '/slow')).toEqual([expect.objectContaining({ status: 499, aborted: true, message: 'request aborted by the client' })]);
    } finally {
      await fastify.close();
    }
  });
});

describe('HTTP trace context', () => {
  const parentTrace = '0af7651916cd43dd8448eb211c80319c';
  const parentSpan = 'b7ad6b7169203331';

  it('runs a request in a server span, child of the caller traceparent, and passes its context on', async () => {
    exporter.reset();
    const lines: Array<Record<string, unknown>> = [];
    const fastify = await app(lines);
    const res = await fastify.inject({ method: 'GET', url: '/scim/v2/Users/7', headers: { traceparent: `00-${parentTrace}-${parentSpan}-01` } });
    await settle();
    const spans = exporter.getFinishedSpans();
    expect(spans).toHaveLength(1);
    const server = spans[0];
    expect(server.name).toBe('GET /scim/v2/Users/:id');
    expect(server.spanContext().traceId).toBe(parentTrace);
    expect(server.parentSpanContext?.spanId).toBe(parentSpan);
    expect(server.attributes).toMatchObject({ 'http.route': '/scim/v2/Users/:id', 'http.response.status_code': 200 });
    // What the handler sends on (to an internal API) continues this span.
    const next = res.json<{ next: Record<string, string> }>().next;
    expect(next.traceparent).toBe(`00-${parentTrace}-${server.spanContext().spanId}-01`);
    // The access line names the trace.
    expect(lines[0]).toMatchObject({ traceId: parentTrace });
  });

  it('starts a new trace without a traceparent; probes have no span; 5xx is an error', async () => {
    exporter.reset();
    const fastify = await app([]);
    await fastify.inject({ method: 'GET', url: '/health' });
    await fastify.inject({ method: 'DELETE', url: '/scim/v2/Users/1' });
    await settle();
    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => s.name)).toEqual(['DELETE /scim/v2/Users/:id']);
    expect(spans[0].parentSpanContext).toBeUndefined();
    expect(spans[0].status.code).toBe(2);
  });
});
