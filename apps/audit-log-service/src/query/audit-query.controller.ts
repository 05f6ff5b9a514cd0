import { BadRequestException, Body, Controller, Delete, Get, HttpCode, Inject, NotFoundException, Param, Post, Query, Req, UseGuards } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type {
  AuditedChange,
  AuditedRequest,
  AuditedResource,
  AuditedTenant,
  AuditPage,
  AuditPrincipal,
  IssuedAuditCredential,
  ResourceHistory,
  SummaryPage,
} from '@app/contracts';
import { AUDIT_CREDENTIALS, AuditAuthGuard, OpsOnly, visibleTenants } from '../auth/audit-auth.guard';
import type { AuditCredentials, StoredCredential } from '../auth/audit-credentials';
import { AuditQuery, BUCKETS } from './audit-query';
import * as p from './query-parameters';

export const AUDIT_QUERY = Symbol('AUDIT_QUERY');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Most buckets one summary answers (a day by the minute is 1,440). */
const MAX_BUCKETS = 2_000;
const BUCKET_MS: Record<string, number> = { '1m': 60_000, '5m': 300_000, '15m': 900_000, '1h': 3_600_000, '1d': 86_400_000 };

type Query = Record<string, unknown>;

function principalOf(request: FastifyRequest): AuditPrincipal {
  return request.auditPrincipal!;
}

/** The audit log's query API (docs/audit.md): what Entra sent, what we answered, what changed. */
@Controller('audit/v1')
@UseGuards(AuditAuthGuard)
export class AuditQueryController {
  constructor(
    @Inject(AUDIT_QUERY) private readonly query: AuditQuery,
    @Inject(AUDIT_CREDENTIALS) private readonly credentials: AuditCredentials,
  ) {}

  @Get('whoami')
  whoami(@Req() request: FastifyRequest): AuditPrincipal {
    return principalOf(request);
  }

  @Get('requests')
  requests(@Req() request: FastifyRequest, @Query() q: Query): Promise<AuditPage<AuditedRequest>> {
    const tenantIds = visibleTenants(principalOf(request), p.tenantIdParam(q.tenantId));
    return this.query.requests({ ...p.requestFilters(q), tenantIds }, p.limit(q.limit), p.cursor(q.cursor));
  }

  @Get('changes')
  changes(@Req() request: FastifyRequest, @Query() q: Query): Promise<AuditPage<AuditedChange>> {
    const tenantIds = visibleTenants(principalOf(request), p.tenantIdParam(q.tenantId));
    return this.query.changes({ ...p.changeFilters(q), tenantIds }, p.limit(q.limit), p.cursor(q.cursor, 'change'));
  }

  @Get('tenants/:tenantId/resources/:resourceType/:resourceId/history')
  history(
    @Req() request: FastifyRequest,
    @Param('tenantId') tenantId: string,
    @Param('resourceType') resourceType: string,
    @Param('resourceId') resourceId: string,
    @Query() q: Query,
  ): Promise<ResourceHistory> {
    visibleTenants(principalOf(request), tenantId);
    return this.query.history(tenantId, p.resourceType(resourceType)!, resourceId, p.limit(q.limit), p.cursor(q.cursor, 'change'));
  }

  @Get('resources')
  resources(@Req() request: FastifyRequest, @Query() q: Query): Promise<AuditedResource[]> {
    const tenantIds = visibleTenants(principalOf(request), p.tenantIdParam(q.tenantId));
    return this.query.resources(tenantIds, p.resourceType(q.resourceType), p.optionalText(q.q, 'q', 200), p.limit(q.limit, 200));
  }

  @Get('summaries')
  summaries(@Req() request: FastifyRequest, @Query() q: Query): Promise<SummaryPage> {
    const tenantIds = visibleTenants(principalOf(request), p.tenantIdParam(q.tenantId));
    const bucket = p.bucket(q.bucket);
    const to = p.instant(q.to, 'to') ?? new Date();
    const from = p.instant(q.from, 'from') ?? new Date(to.getTime() - 86_400_000);
    if (from >= to) throw new BadRequestException('from must be before to');
    if ((to.getTime() - from.getTime()) / BUCKET_MS[bucket]! > MAX_BUCKETS) {
      throw new BadRequestException(`at most ${MAX_BUCKETS} buckets: widen the bucket (${Object.keys(BUCKETS).join(', ')}) or narrow from/to`);
    }
    return this.query.summaries(tenantIds, from, to, bucket);
  }

  @Get('tenants')
  tenants(@Req() request: FastifyRequest): Promise<AuditedTenant[]> {
    return this.query.tenants(visibleTenants(principalOf(request), undefined), new Date());
  }

  @Post('credentials')
  @OpsOnly()
  @HttpCode(201)
  issue(@Body() body: unknown): Promise<IssuedAuditCredential> {
    const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const tenantId = p.tenantIdParam(b.tenantId);
    if (!tenantId) throw new BadRequestException('tenantId is required');
    const label = p.optionalText(b.label, 'label', 200) ?? null;
    return this.credentials.issue(tenantId, label);
  }

  @Get('credentials')
  @OpsOnly()
  list(@Query() q: Query): Promise<StoredCredential[]> {
    return this.credentials.list(p.tenantIdParam(q.tenantId));
  }

  @Delete('credentials/:id')
  @OpsOnly()
  @HttpCode(204)
  async revoke(@Param('id') id: string): Promise<void> {
    if (!UUID.test(id) || !(await this.credentials.revoke(id))) throw new NotFoundException('No live credential has this id');
  }
}
