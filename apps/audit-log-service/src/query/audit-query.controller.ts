import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, Req, UseFilters, UseGuards } from '@nestjs/common';
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
  TenantHealth,
} from '@app/contracts';
import { AUDIT_CREDENTIALS, AuditAuthGuard, OpsOnly, principalOf } from '../auth/audit-auth.guard';
import type { StoredCredential } from '../auth/audit-credential.repository';
import type { AuditCredentialService } from '../auth/audit-credential.service';
import { AuditExceptionFilter } from '../http/audit-exception.filter';
import type { AuditQueryService } from './audit-query.service';
import * as p from './query-parameters';

export const AUDIT_QUERY = Symbol('AUDIT_QUERY');

type Query = Record<string, unknown>;

/** The audit log's query API (docs/audit.md): what Entra sent, what we answered, what changed. */
@Controller('audit/v1')
@UseGuards(AuditAuthGuard)
@UseFilters(AuditExceptionFilter)
export class AuditQueryController {
  constructor(
    @Inject(AUDIT_QUERY) private readonly query: AuditQueryService,
    @Inject(AUDIT_CREDENTIALS) private readonly credentials: AuditCredentialService,
  ) {}

  @Get('whoami')
  whoami(@Req() request: FastifyRequest): AuditPrincipal {
    return principalOf(request);
  }

  @Get('requests')
  requests(@Req() request: FastifyRequest, @Query() q: Query): Promise<AuditPage<AuditedRequest>> {
    return this.query.requests(principalOf(request), p.tenantIdParam(q.tenantId), p.requestFilters(q), p.limit(q.limit), p.cursor(q.cursor));
  }

  @Get('changes')
  changes(@Req() request: FastifyRequest, @Query() q: Query): Promise<AuditPage<AuditedChange>> {
    return this.query.changes(principalOf(request), p.tenantIdParam(q.tenantId), p.changeFilters(q), p.limit(q.limit), p.cursor(q.cursor, 'change'));
  }

  @Get('tenants/:tenantId/resources/:resourceType/:resourceId/history')
  history(
    @Req() request: FastifyRequest,
    @Param('tenantId') tenantId: string,
    @Param('resourceType') resourceType: string,
    @Param('resourceId') resourceId: string,
    @Query() q: Query,
  ): Promise<ResourceHistory> {
    return this.query.history(principalOf(request), tenantId, p.resourceType(resourceType)!, resourceId, p.limit(q.limit), p.cursor(q.cursor, 'change'));
  }

  @Get('resources')
  resources(@Req() request: FastifyRequest, @Query() q: Query): Promise<AuditedResource[]> {
    return this.query.resources(principalOf(request), p.tenantIdParam(q.tenantId), p.resourceType(q.resourceType), p.optionalText(q.q, 'q', 200), p.limit(q.limit, 200));
  }

  @Get('summaries')
  summaries(@Req() request: FastifyRequest, @Query() q: Query): Promise<SummaryPage> {
    return this.query.summaries(principalOf(request), p.tenantIdParam(q.tenantId), p.bucket(q.bucket), p.instant(q.from, 'from'), p.instant(q.to, 'to'));
  }

  @Get('health')
  health(@Req() request: FastifyRequest, @Query() q: Query): Promise<TenantHealth[]> {
    return this.query.health(principalOf(request), p.tenantIdParam(q.tenantId));
  }

  @Get('tenants')
  tenants(@Req() request: FastifyRequest): Promise<AuditedTenant[]> {
    return this.query.tenants(principalOf(request));
  }

  @Post('credentials')
  @OpsOnly()
  @HttpCode(201)
  issue(@Body() body: unknown): Promise<IssuedAuditCredential> {
    const issue = p.issueCredential(body);
    return this.credentials.issue(issue.tenantId, issue.label);
  }

  @Get('credentials')
  @OpsOnly()
  list(@Query() q: Query): Promise<StoredCredential[]> {
    return this.credentials.list(p.tenantIdParam(q.tenantId));
  }

  @Delete('credentials/:id')
  @OpsOnly()
  @HttpCode(204)
  revoke(@Param('id') id: string): Promise<void> {
    return this.credentials.revoke(id);
  }
}
