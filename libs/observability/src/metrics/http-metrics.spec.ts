import Fastify, { FastifyInstance, FastifyRequest } from 'fastify';
import { JsonLogger } from '../json-logger';
import { HttpMetricNames, instrumentHttp, statusClassOf, TenantOf } from './http-metrics';
import { MetricsRegistry } from './metrics-registry';

declare module 'fastify' {
  interface FastifyRequest {
    testTenant?: string;
  }
}

/** A Fastify app shaped like a service: a SCIM route whose guard sets the tenant, probes and the scrape. */
async function app(tenantOf: TenantOf, logLines: string[] = []): Promise<{ fastify: FastifyInstance; metrics: MetricsRegistry }> {
  const metrics = new MetricsRegistry({ service: 'svc', defaultMetrics: false });
  const fastify = Fastify();
  instrumentHttp(fastify, metrics, { tenantOf, logger: new JsonLogger('svc', 'info', (l) => logLines.push(l)).child('metrics') });
  fastify.addHook('preHandler', async (request: FastifyRequest) => {
    const auth = request.headers.authorization;
    if (auth) request.testTenant = auth.replace('Bearer ', '');
  });
  fastify.get('/scim/v2/Users/:id', async (request, reply) => reply.status(request.testTenant ? 200 : 401).send({}));
  fastify.delete('/scim/v2/Users/:id', async (_request, reply) => reply.status(503).send({}));
  fastify.get('/metrics', async () => 'metrics');
  fastify.get('/health', async () => ({ status: 'ok' }));
  fastify.get('/health/ready', async () => ({ status: 'ok' }));
  await fastify.ready();
  return { fastify, metrics };
}

async function values(metrics: MetricsRegistry, name: string) {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === name);
  return metric?.values ?? [];
}

describe('instrumentHttp', () => {
  it('counts requests by route pattern, method, status and tenant, never by raw URL', async () => {
    const { fastify, metrics } = await app((r) => r.testTenant);
    await fastify.inject({ method: 'GET', url: '/scim/v2/Users/1', headers: { authorization: 'Bearer t-1' } });
    await fastify.inject({ method: 'GET', url: '/scim/v2/Users/2?attributes=userName', headers: { authorization: 'Bearer t-1' } });
    await fastify.inject({ method: 'GET', url: '/scim/v2/Users/3', headers: { authorization: 'Bearer t-2' } });
    await fastify.inject({ method: 'GET', url: '/scim/v2/Users/4' });
    await fastify.inject({ method: 'DELETE', url: '/scim/v2/Users/5', headers: { authorization: 'Bearer t-2' } });
    await fastify.inject({ method: 'GET', url: '/no/such/route/42' });

    const counted = (await values(metrics, HttpMetricNames.requests)).map((v) => ({ ...v.labels, value: v.value }));
    expect(counted).toEqual(
      expect.arrayContaining([
        { route: '/scim/v2/Users/:id', method: 'GET', status: '200', tenant: 't-1', service: 'svc', value: 2 },
        { route: '/scim/v2/Users/:id', method: 'GET', status: '200', tenant: 't-2', service: 'svc', value: 1 },
        { route: '/scim/v2/Users/:id', method: 'GET', status: '401', tenant: 'none', service: 'svc', value: 1 },
        { route: '/scim/v2/Users/:id', method: 'DELETE', status: '503', tenant: 't-2', service: 'svc', value: 1 },
        { route: 'unmatched', method: 'GET', status: '404', tenant: 'none', service: 'svc', value: 1 },
      ]),
    );
    expect(counted).toHaveLength(5);
  });

  it('times requests in seconds by route, method and status class', async () => {
    const { fastify, metrics } = await app((r) => r.testTenant);
    await fastify.inject({ method: 'GET', url: '/scim/v2/Users/1', headers: { authorization: 'Bearer t-1' } });
    await fastify.inject({ method: 'DELETE', url: '/scim/v2/Users/1', headers: { authorization: 'Bearer t-1' } });
    const series = await values(metrics, HttpMetricNames.duration);
    const counts = series.filter((v) => (v as { metricName?: string }).metricName === `${HttpMetricNames.duration}_count`);
    expect(counts.map((v) => ({ ...v.labels, value: v.value }))).toEqual(
      expect.arrayContaining([
        { route: '/scim/v2/Users/:id', method: 'GET', status_class: '2xx', service: 'svc', value: 1 },
        { route: '/scim/v2/Users/:id', method: 'DELETE', status_class: '5xx', service: 'svc', value: 1 },
      ]),
    );
    const sum = series.find((v) => (v as { metricName?: string }).metricName === `${HttpMetricNames.duration}_sum` && v.labels.method === 'GET');
    expect(sum!.value).toBeGreaterThan(0);
    expect(sum!.value).toBeLessThan(5); // seconds, not milliseconds
  });

  it('does not count scrapes and probes', async () => {
    const { fastify, metrics } = await app(() => undefined);
    for (const url of ['/metrics', '/health', '/health/ready']) expect((await fastify.inject({ method: 'GET', url })).statusCode).toBe(200);
    expect(await values(metrics, HttpMetricNames.requests)).toEqual([]);
    expect(await values(metrics, HttpMetricNames.duration)).toEqual([]);
  });

  it('keeps serving when reading the tenant fails, and logs it once a minute at most', async () => {
    const logLines: string[] = [];
    const { fastify, metrics } = await app(() => {
      throw new Error('tenant lookup broke');
    }, logLines);
    for (let i = 0; i < 3; i++) {
      const res = await fastify.inject({ method: 'GET', url: '/scim/v2/Users/1', headers: { authorization: 'Bearer t-1' } });
      expect(res.statusCode).toBe(200);
    }
    expect(await values(metrics, HttpMetricNames.requests)).toEqual([]);
    expect(logLines.map((l) => JSON.parse(l))).toEqual([
      expect.objectContaining({ level: 'warn', message: 'recording HTTP metrics failed', error: expect.objectContaining({ message: 'tenant lookup broke' }) }),
    ]);
  });
});

describe('statusClassOf', () => {
  it.each([
    [200, '2xx'],
    [204, '2xx'],
    [304, '3xx'],
    [409, '4xx'],
    [503, '5xx'],
    [99, 'other'],
    [600, 'other'],
  ])('%d is %s', (status, expected) => expect(statusClassOf(status)).toBe(expected));
});
