import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { AuthenticatedTenant } from '../tenants/authenticated-tenant';
import { tenantOfRequest } from './scim-request';

/**
 * The tenant whose token authenticated the request: `@CurrentTenant() tenant: AuthenticatedTenant`.
 * Carries `id`, `tokenId`, `profile` (ConnectorProfile) and `schemaProfile` (for user commands).
 */
export const CurrentTenant = createParamDecorator((_data: unknown, context: ExecutionContext): AuthenticatedTenant =>
  tenantOfRequest(context.switchToHttp().getRequest<FastifyRequest>()),
);
