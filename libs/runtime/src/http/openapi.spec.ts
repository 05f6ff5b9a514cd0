import type { OpenAPIObject } from '@nestjs/swagger';
import { undocumentedRoutes } from './openapi';

describe('undocumentedRoutes', () => {
  const document = {
    openapi: '3.1.0',
    info: { title: 't', version: '1' },
    paths: {
      '/scim/v2/Users': { get: {}, post: {} },
      '/scim/v2/Users/{id}': { get: {}, delete: {} },
    },
  } as unknown as OpenAPIObject;

  it('names each route the document lacks, by method and path, and nothing it has', () => {
    const routes = [
      { method: 'GET', url: '/scim/v2/Users' },
      { method: 'HEAD', url: '/scim/v2/Users' }, // Fastify's HEAD for a GET is not an operation of its own
      { method: 'GET', url: '/scim/v2/Users/:id' },
      { method: 'PUT', url: '/scim/v2/Users/:id' },
      { method: 'GET', url: '/metrics' },
      { method: 'GET', url: '/metrics' },
    ];
    expect(undocumentedRoutes(routes, document)).toEqual(['GET /metrics', 'PUT /scim/v2/Users/{id}']);
  });

  it('is empty when every route is in the document', () => {
    expect(undocumentedRoutes([{ method: 'POST', url: '/scim/v2/Users' }], document)).toEqual([]);
  });
});
