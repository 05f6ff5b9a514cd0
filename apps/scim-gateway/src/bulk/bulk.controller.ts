import { Body, Controller, Delete, Get, HttpCode, Inject, Optional, Patch, Post, Put, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { JsonObject } from '@app/scim';
import { CurrentTenant } from '../auth/current-tenant.decorator';
import { SCIM_EDGE_OPTIONS, scimBaseUrl, type ScimEdgeOptions } from '../edge/scim-edge.options';
import type { AuthenticatedTenant } from '../tenants/authenticated-tenant';
import { RequestAuditHooks } from '../audit/request-audit.module';
import { GatewayError } from '../errors/gateway-error';
import { BulkProcessor, type BulkOperationOutcome } from './bulk-processor';

/** POST /Bulk (RFC 7644 §3.7): 200 with a BulkResponse, whatever each operation's outcome. */
@Controller('Bulk')
export class BulkController {
  constructor(
    private readonly bulk: BulkProcessor,
    @Inject(SCIM_EDGE_OPTIONS) private readonly edge: ScimEdgeOptions,
    @Optional() private readonly audit?: RequestAuditHooks,
  ) {}

  @Post()
  @HttpCode(200)
  process(@CurrentTenant() tenant: AuthenticatedTenant, @Body() body: unknown, @Req() req: FastifyRequest): Promise<JsonObject> {
    const length = Number(req.headers['content-length']);
    const payloadBytes = Number.isFinite(length) ? length : Buffer.byteLength(JSON.stringify(body ?? null), 'utf8');
    // Each operation gets its own audit record, as if it had been sent alone.
    const observe = this.audit ? (outcome: BulkOperationOutcome) => this.audit!.recordCarried(req, carriedRequest(this.edge.basePath, outcome)) : undefined;
    return this.bulk.process(tenant, body, payloadBytes, scimBaseUrl({ protocol: req.protocol, host: req.host }, this.edge), observe);
  }

  // /Bulk takes POST only (RFC 7644 §3.7): any other method is 405 with Allow (RFC 9110 §15.5.6).
  @Get()
  get(@Req() req: FastifyRequest): never {
    throw GatewayError.methodNotAllowed(req.method, ['POST']);
  }

  @Put()
  put(@Req() req: FastifyRequest): never {
    throw GatewayError.methodNotAllowed(req.method, ['POST']);
  }

  @Patch()
  patch(@Req() req: FastifyRequest): never {
    throw GatewayError.methodNotAllowed(req.method, ['POST']);
  }

  @Delete()
  delete(@Req() req: FastifyRequest): never {
    throw GatewayError.methodNotAllowed(req.method, ['POST']);
  }
}

function carriedRequest(basePath: string, outcome: BulkOperationOutcome) {
  const collection = `${basePath}/${outcome.endpoint ?? 'Bulk'}`;
  const withId = outcome.method !== 'POST' && outcome.id !== undefined;
  return {
    receivedAt: outcome.receivedAt,
    method: outcome.method,
    url: withId ? `${collection}/${encodeURIComponent(outcome.id!)}` : collection,
    route: withId ? `${collection}/:id` : collection,
    params: withId ? { id: outcome.id } : {},
    status: outcome.status,
    latencyMs: outcome.latencyMs,
    requestBody: outcome.requestBody,
    responseBody: outcome.responseBody,
  };
}
