import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, UseGuards, ValidationPipe } from '@nestjs/common';
import { RegisteredTenant, TenantsService } from '../tenants/tenants.service';
import { IssuedToken, TenantTokensService, TokenInfo } from '../tenants/tenant-tokens.service';
import { AdminTokenGuard } from './admin-token.guard';
import { CreateTenantRequest, IssueTokenRequest } from './admin.dto';

const body = new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true });

/**
 * Admin API: tenants and their tokens. JSON in and out; errors use the SCIM error body too.
 *   POST   /admin/v1/tenants                         {name, profile?}  → 201 tenant
 *   GET    /admin/v1/tenants                                           → {tenants}
 *   GET    /admin/v1/tenants/:tenantId                                 → tenant
 *   PUT    /admin/v1/tenants/:tenantId/profile       profile           → tenant
 *   POST   /admin/v1/tenants/:tenantId/tokens        {name?}           → 201 {token, tokenId, ...} (the secret, once)
 *   GET    /admin/v1/tenants/:tenantId/tokens                          → {tokens} (never secrets)
 *   DELETE /admin/v1/tenants/:tenantId/tokens/:tokenId                 → revoked token
 */
@Controller('admin/v1/tenants')
@UseGuards(AdminTokenGuard)
export class AdminTenantsController {
  constructor(
    private readonly tenants: TenantsService,
    private readonly tokens: TenantTokensService,
  ) {}

  @Post()
  create(@Body(body) request: CreateTenantRequest): Promise<RegisteredTenant> {
    return this.tenants.create(request.name, request.profile);
  }

  @Get()
  async list(): Promise<{ tenants: RegisteredTenant[] }> {
    return { tenants: await this.tenants.list() };
  }

  @Get(':tenantId')
  get(@Param('tenantId') tenantId: string): Promise<RegisteredTenant> {
    return this.tenants.get(tenantId);
  }

  @Put(':tenantId/profile')
  replaceProfile(@Param('tenantId') tenantId: string, @Body() profile: unknown): Promise<RegisteredTenant> {
    return this.tenants.replaceProfile(tenantId, profile);
  }

  @Post(':tenantId/tokens')
  issueToken(@Param('tenantId') tenantId: string, @Body(body) request: IssueTokenRequest): Promise<IssuedToken> {
    return this.tokens.issue(tenantId, request.name);
  }

  @Get(':tenantId/tokens')
  async listTokens(@Param('tenantId') tenantId: string): Promise<{ tokens: TokenInfo[] }> {
    return { tokens: await this.tokens.list(tenantId) };
  }

  @Delete(':tenantId/tokens/:tokenId')
  @HttpCode(200)
  revokeToken(@Param('tenantId') tenantId: string, @Param('tokenId') tokenId: string): Promise<TokenInfo> {
    return this.tokens.revoke(tenantId, tokenId);
  }
}
