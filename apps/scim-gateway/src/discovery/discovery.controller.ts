import { Controller, Delete, Get, Inject, Param, Patch, Post, Put, Query, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ScimError, type JsonObject, type ListResponse } from '@app/scim';
import { CurrentTenant } from '../auth/current-tenant.decorator';
import { GatewayError } from '../errors/gateway-error';
import { SCIM_EDGE_OPTIONS, scimBaseUrl, type ScimEdgeOptions } from '../edge/scim-edge.options';
import type { AuthenticatedTenant } from '../tenants/authenticated-tenant';
import { DiscoveryService } from './discovery.service';

const DISCOVERY_PATHS = ['ServiceProviderConfig', 'Schemas', 'Schemas/:urn', 'ResourceTypes', 'ResourceTypes/:name'];

/**
 * RFC 7644 §4 discovery endpoints, mounted under the SCIM base path by ScimDiscoveryModule and
 * authenticated like every SCIM route (the tenant decides what is described).
 */
@Controller()
export class DiscoveryController {
  constructor(
    private readonly discovery: DiscoveryService,
    @Inject(SCIM_EDGE_OPTIONS) private readonly edge: ScimEdgeOptions,
  ) {}

  @Get('ServiceProviderConfig')
  serviceProviderConfig(@CurrentTenant() tenant: AuthenticatedTenant, @Req() request: FastifyRequest): JsonObject {
    return this.discovery.serviceProviderConfig(scimBaseUrl(request, this.edge), tenant);
  }

  @Get('Schemas')
  schemas(@CurrentTenant() tenant: AuthenticatedTenant, @Query('filter') filter: unknown, @Req() request: FastifyRequest): ListResponse<JsonObject> {
    refuseFilter(filter);
    return this.discovery.schemas(tenant, scimBaseUrl(request, this.edge));
  }

  @Get('Schemas/:urn')
  schema(@CurrentTenant() tenant: AuthenticatedTenant, @Param('urn') urn: string, @Req() request: FastifyRequest): JsonObject {
    return this.discovery.schema(tenant, urn, scimBaseUrl(request, this.edge));
  }

  @Get('ResourceTypes')
  resourceTypes(@CurrentTenant() tenant: AuthenticatedTenant, @Query('filter') filter: unknown, @Req() request: FastifyRequest): ListResponse<JsonObject> {
    refuseFilter(filter);
    return this.discovery.resourceTypes(tenant, scimBaseUrl(request, this.edge));
  }

  @Get('ResourceTypes/:name')
  resourceType(@CurrentTenant() tenant: AuthenticatedTenant, @Param('name') name: string, @Req() request: FastifyRequest): JsonObject {
    return this.discovery.resourceType(tenant, name, scimBaseUrl(request, this.edge));
  }

  // Discovery resources are read-only: other methods get 405 with Allow (RFC 9110 §15.5.6)
  // rather than a 404 that would suggest the resource is missing.
  @Post(DISCOVERY_PATHS)
  post(@Req() request: FastifyRequest): never {
    throw GatewayError.methodNotAllowed(request.method, ['GET']);
  }

  @Put(DISCOVERY_PATHS)
  put(@Req() request: FastifyRequest): never {
    throw GatewayError.methodNotAllowed(request.method, ['GET']);
  }

  @Patch(DISCOVERY_PATHS)
  patch(@Req() request: FastifyRequest): never {
    throw GatewayError.methodNotAllowed(request.method, ['GET']);
  }

  @Delete(DISCOVERY_PATHS)
  delete(@Req() request: FastifyRequest): never {
    throw GatewayError.methodNotAllowed(request.method, ['GET']);
  }
}

/** RFC 7644 §4: a filter on a discovery endpoint SHOULD be answered with 403, so no client assumes it applied. */
function refuseFilter(filter: unknown): void {
  if (filter !== undefined) throw new ScimError(403, undefined, 'Filtering is not supported on discovery endpoints (RFC 7644 §4)');
}
