import { Body, Controller, Delete, Get, Headers, HttpCode, Inject, Param, Patch, Post, Put, Query, Req, Res, type Type } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { QueryParams } from '@app/scim';
import { CurrentTenant } from '../auth/current-tenant.decorator';
import { SCIM_EDGE_OPTIONS, scimBaseUrl, type ScimEdgeOptions } from '../edge/scim-edge.options';
import type { AuthenticatedTenant } from '../tenants/authenticated-tenant';
import type { ResourcePipeline } from './resource-pipeline';
import type { CommandTopic } from './resource-type';
import { GatewayError } from '../errors/gateway-error';
import { searchParams, sendScimAnswer } from './scim-answer';

const COLLECTION_METHODS = ['GET', 'POST'];
const RESOURCE_METHODS = ['GET', 'PUT', 'PATCH', 'DELETE'];

/**
 * The controller of one SCIM endpoint (RFC 7644 §3.3–§3.6), e.g. `/Users`: parse, call one
 * method of the resource's pipeline (injected under `pipeline`), write the answer. Every resource
 * type gets the same routes from here.
 */
export function scimResourceController(endpoint: string, pipeline: symbol): Type<unknown> {
  @Controller(endpoint)
  class ScimResourceController {
    constructor(
      @Inject(pipeline) private readonly resources: ResourcePipeline<CommandTopic>,
      @Inject(SCIM_EDGE_OPTIONS) private readonly edge: ScimEdgeOptions,
    ) {}

    @Post()
    async create(@CurrentTenant() tenant: AuthenticatedTenant, @Body() body: unknown, @Query() query: QueryParams, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
      return sendScimAnswer(reply, await this.resources.create(tenant, body, this.baseUrl(req), query));
    }

    @Get()
    list(@CurrentTenant() tenant: AuthenticatedTenant, @Query() query: QueryParams, @Req() req: FastifyRequest) {
      return this.resources.list(tenant, query, this.baseUrl(req));
    }

    /** RFC 7644 §3.4.3: the same query in a body, so filters stay out of URLs and logs. */
    @Post('.search')
    @HttpCode(200)
    search(@CurrentTenant() tenant: AuthenticatedTenant, @Body() body: Record<string, unknown> | undefined, @Req() req: FastifyRequest) {
      return this.resources.list(tenant, searchParams(body), this.baseUrl(req));
    }

    @Get(':id')
    async get(@CurrentTenant() tenant: AuthenticatedTenant, @Param('id') id: string, @Query() query: QueryParams, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
      return sendScimAnswer(reply, await this.resources.get(tenant, id, query, this.baseUrl(req)));
    }

    @Put(':id')
    async replace(
      @CurrentTenant() tenant: AuthenticatedTenant,
      @Param('id') id: string,
      @Body() body: unknown,
      @Headers('if-match') ifMatch: string | undefined,
      @Query() query: QueryParams,
      @Req() req: FastifyRequest,
      @Res() reply: FastifyReply,
    ) {
      return sendScimAnswer(reply, await this.resources.replace(tenant, id, body, ifMatch, this.baseUrl(req), query));
    }

    @Patch(':id')
    async patch(
      @CurrentTenant() tenant: AuthenticatedTenant,
      @Param('id') id: string,
      @Body() body: unknown,
      @Headers('if-match') ifMatch: string | undefined,
      @Query() query: QueryParams,
      @Req() req: FastifyRequest,
      @Res() reply: FastifyReply,
    ) {
      return sendScimAnswer(reply, await this.resources.patch(tenant, id, body, ifMatch, this.baseUrl(req), query));
    }

    @Delete(':id')
    async remove(@CurrentTenant() tenant: AuthenticatedTenant, @Param('id') id: string, @Headers('if-match') ifMatch: string | undefined, @Res() reply: FastifyReply) {
      return sendScimAnswer(reply, await this.resources.delete(tenant, id, ifMatch));
    }

    // A method the resource does not take is 405 with Allow (RFC 9110 §15.5.6), not a 404 that
    // would tell a client the collection or the resource is missing.
    @Put()
    replaceCollection(@Req() req: FastifyRequest): never {
      throw GatewayError.methodNotAllowed(req.method, COLLECTION_METHODS);
    }

    @Patch()
    patchCollection(@Req() req: FastifyRequest): never {
      throw GatewayError.methodNotAllowed(req.method, COLLECTION_METHODS);
    }

    @Delete()
    deleteCollection(@Req() req: FastifyRequest): never {
      throw GatewayError.methodNotAllowed(req.method, COLLECTION_METHODS);
    }

    @Post(':id')
    postToResource(@Req() req: FastifyRequest): never {
      throw GatewayError.methodNotAllowed(req.method, RESOURCE_METHODS);
    }

    private baseUrl(req: FastifyRequest): string {
      return scimBaseUrl({ protocol: req.protocol, host: req.host }, this.edge);
    }
  }
  // Named after the endpoint in Nest's logs and route tables: "UsersController".
  Object.defineProperty(ScimResourceController, 'name', { value: `${endpoint}Controller` });
  return ScimResourceController;
}
