import { Body, Controller, Delete, Get, Headers, HttpCode, Inject, Param, Patch, Post, Put, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { QueryParams } from '@app/scim';
import { CurrentTenant } from '../auth/current-tenant.decorator';
import { SCIM_EDGE_OPTIONS, scimBaseUrl, type ScimEdgeOptions } from '../http/scim-edge.options';
import { searchParams, sendScimAnswer } from '../http/scim-answer';
import type { AuthenticatedTenant } from '../tenants/authenticated-tenant';
import { GroupsService } from './groups.service';

/** SCIM /Groups (RFC 7644 §3.3–§3.6): parse, call one GroupsService method, write the answer. */
@Controller('Groups')
export class GroupsController {
  constructor(
    private readonly groups: GroupsService,
    @Inject(SCIM_EDGE_OPTIONS) private readonly edge: ScimEdgeOptions,
  ) {}

  @Post()
  async create(@CurrentTenant() tenant: AuthenticatedTenant, @Body() body: unknown, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const answer = await this.groups.create(tenant, body, this.baseUrl(req));
    if (answer.status === 201 && answer.body) reply.header('Location', String((answer.body.meta as Record<string, unknown>).location));
    return sendScimAnswer(reply, answer);
  }

  @Get()
  list(@CurrentTenant() tenant: AuthenticatedTenant, @Query() query: QueryParams, @Req() req: FastifyRequest) {
    return this.groups.list(tenant, query, this.baseUrl(req));
  }

  /** RFC 7644 §3.4.3: the same query in a body, so filters stay out of URLs and logs. */
  @Post('.search')
  @HttpCode(200)
  search(@CurrentTenant() tenant: AuthenticatedTenant, @Body() body: Record<string, unknown> | undefined, @Req() req: FastifyRequest) {
    return this.groups.list(tenant, searchParams(body), this.baseUrl(req));
  }

  @Get(':id')
  async get(@CurrentTenant() tenant: AuthenticatedTenant, @Param('id') id: string, @Query() query: QueryParams, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return sendScimAnswer(reply, await this.groups.get(tenant, id, query, this.baseUrl(req)));
  }

  @Put(':id')
  async replace(
    @CurrentTenant() tenant: AuthenticatedTenant,
    @Param('id') id: string,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return sendScimAnswer(reply, await this.groups.replace(tenant, id, body, ifMatch, this.baseUrl(req)));
  }

  @Patch(':id')
  async patch(
    @CurrentTenant() tenant: AuthenticatedTenant,
    @Param('id') id: string,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return sendScimAnswer(reply, await this.groups.patch(tenant, id, body, ifMatch, this.baseUrl(req)));
  }

  @Delete(':id')
  async remove(@CurrentTenant() tenant: AuthenticatedTenant, @Param('id') id: string, @Headers('if-match') ifMatch: string | undefined, @Res() reply: FastifyReply) {
    return sendScimAnswer(reply, await this.groups.delete(tenant, id, ifMatch));
  }

  private baseUrl(req: FastifyRequest): string {
    return scimBaseUrl({ protocol: req.protocol, host: req.host }, this.edge);
  }
}
