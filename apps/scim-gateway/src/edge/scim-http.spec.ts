import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { canonicalScimUrl } from './canonical-url';
import { configureScimHttp } from './scim-http';

/** The gateway's Fastify wiring on a real Fastify instance (no Nest app, no services). */
async function server(): Promise<FastifyInstance> {
  const adapter = new FastifyAdapter({ rewriteUrl: (req: { url?: string }) => canonicalScimUrl(req.url ?? '/', '/scim/v2') });
  configureScimHttp(adapter, { basePath: '/scim/v2', bodyLimitBytes: 1024 });
  const fastify = adapter.getInstance<FastifyInstance>();
  fastify.get('/scim/v2/Users/:id', async (request, reply) => {
    void reply.header('ETag', 'W/"3"');
    return { id: (request.params as { id: string }).id, url: request.url, originalUrl: request.originalUrl };
  });
  fastify.get('/scim/v2/Users', async () => ({ totalResults: 0 }));
  await fastify.ready();
  return fastify;
}

describe('configureScimHttp', () => {
  let fastify: FastifyInstance;
  beforeAll(async () => {
    fastify = await server();
  });
  afterAll(() => fastify.close());

  it('answers a GET whose If-None-Match names the current version with 304, ETag and no body', async () => {
    const res = await fastify.inject({ method: 'GET', url: '/scim/v2/Users/abc', headers: { 'if-none-match': 'W/"3"' } });
    expect(res.statusCode).toBe(304);
    expect(res.headers.etag).toBe('W/"3"');
    expect(res.body).toBe('');
    expect(res.headers['content-type']).toBeUndefined();
  });

  it('answers 200 with the resource when the version moved', async () => {
    const res = await fastify.inject({ method: 'GET', url: '/scim/v2/Users/abc', headers: { 'if-none-match': 'W/"2"' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/scim+json');
    expect(res.json()).toMatchObject({ id: 'abc' });
  });

  it('routes lower-case endpoints and trailing slashes, keeping the id and the original URL', async () => {
    const one = await fastify.inject({ method: 'GET', url: '/scim/v2/users/AbC/' });
    expect(one.statusCode).toBe(200);
    expect(one.json()).toEqual({ id: 'AbC', url: '/scim/v2/Users/AbC', originalUrl: '/scim/v2/users/AbC/' });
    const list = await fastify.inject({ method: 'GET', url: '/scim/v2/Users/?filter=userName%20eq%20%22x%22' });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toEqual({ totalResults: 0 });
  });
});
