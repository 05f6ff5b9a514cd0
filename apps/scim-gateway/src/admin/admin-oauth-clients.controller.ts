import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards, ValidationPipe } from '@nestjs/common';
import type { OAuthClientRecord } from '../oauth/oauth-client-records';
import { IssuedOAuthClient, OAuthClientsService } from '../oauth/oauth-clients.service';
import { AdminTokenGuard } from './admin-token.guard';
import { IssueOAuthClientRequest } from './admin.dto';

const body = new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true });

/**
 * Admin API: a tenant's OAuth 2.0 clients (client credentials grant, docs/tenants.md).
 *   POST   /admin/v1/tenants/:tenantId/oauth-clients              {name?} → 201 {clientId, clientSecret, ...} (the secret, once)
 *   GET    /admin/v1/tenants/:tenantId/oauth-clients                      → {clients} (never secrets)
 *   DELETE /admin/v1/tenants/:tenantId/oauth-clients/:clientId            → revoked client
 */
@Controller('admin/v1/tenants/:tenantId/oauth-clients')
@UseGuards(AdminTokenGuard)
export class AdminOAuthClientsController {
  constructor(private readonly clients: OAuthClientsService) {}

  @Post()
  issue(@Param('tenantId') tenantId: string, @Body(body) request: IssueOAuthClientRequest): Promise<IssuedOAuthClient> {
    return this.clients.issue(tenantId, request.name);
  }

  @Get()
  async list(@Param('tenantId') tenantId: string): Promise<{ clients: OAuthClientRecord[] }> {
    return { clients: await this.clients.list(tenantId) };
  }

  @Delete(':clientId')
  @HttpCode(200)
  revoke(@Param('tenantId') tenantId: string, @Param('clientId') clientId: string): Promise<OAuthClientRecord> {
    return this.clients.revoke(tenantId, clientId);
  }
}
