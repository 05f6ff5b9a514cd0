import type { FastifyRequest } from 'fastify';
import type { AuthenticatedTenant } from '../tenants/authenticated-tenant';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by ScimAuthGuard on every SCIM route; read it with @CurrentTenant(). */
    scimTenant?: AuthenticatedTenant;
  }
}

/** The tenant the auth guard attached; throws when a route outside the guard asks for one (a wiring bug). */
export function tenantOfRequest(request: FastifyRequest): AuthenticatedTenant {
  const tenant = request.scimTenant;
  if (!tenant) throw new Error('No authenticated tenant on this request: is the route under the SCIM base path and ScimEdgeModule wired?');
  return tenant;
}
