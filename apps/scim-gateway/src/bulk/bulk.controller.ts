import { Body, Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { JsonObject } from '@app/scim';
import { CurrentTenant } from '../auth/current-tenant.decorator';
import { SCIM_EDGE_OPTIONS, scimBaseUrl, type ScimEdgeOptions } from '../edge/scim-edge.options';
import type { AuthenticatedTenant } from '../tenants/authenticated-tenant';
import { BulkProcessor } from './bulk-processor';

/** POST /Bulk (RFC 7644 §3.7): 200 with a BulkResponse, whatever each operation's outcome. */
@Controller('Bulk')
export class BulkController {
  constructor(
    private readonly bulk: BulkProcessor,
    @Inject(SCIM_EDGE_OPTIONS) private readonly edge: ScimEdgeOptions,
  ) {}

  @Post()
  @HttpCode(200)
  process(@CurrentTenant() tenant: AuthenticatedTenant, @Body() body: unknown, @Req() req: FastifyRequest): Promise<JsonObject> {
    const length = Number(req.headers['content-length']);
    const payloadBytes = Number.isFinite(length) ? length : Buffer.byteLength(JSON.stringify(body ?? null), 'utf8');
    return this.bulk.process(tenant, body, payloadBytes, scimBaseUrl({ protocol: req.protocol, host: req.host }, this.edge));
  }
}
