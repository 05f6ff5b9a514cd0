import { Injectable } from '@nestjs/common';
import { AccessTokens, looksLikeJwt } from '../oauth/access-tokens';
import { OAuthClientsService } from '../oauth/oauth-clients.service';
import type { AuthenticatedTenant } from '../tenants/authenticated-tenant';
import { TenantTokensService } from '../tenants/tenant-tokens.service';

/**
 * A tenant's two ways in, behind one bearer credential (RFC 6750): the static token an admin
 * issued (`scim_...`), or an access token the token endpoint issued to one of the tenant's
 * OAuth clients (a JWT). Undefined when the credential is neither valid; errors of the stores
 * behind them are thrown (the guard answers 503).
 */
@Injectable()
export class BearerAuthenticator {
  constructor(
    private readonly tokens: TenantTokensService,
    private readonly accessTokens: AccessTokens,
    private readonly clients: OAuthClientsService,
  ) {}

  async authenticate(bearer: string): Promise<AuthenticatedTenant | undefined> {
    if (!looksLikeJwt(bearer)) return this.tokens.authenticate(bearer);
    const verified = await this.accessTokens.verify(bearer);
    if (!verified) return undefined;
    // The client still has to be active now: a revoked client's tokens stop working before they expire.
    const tenant = await this.clients.tenantOfClient(verified.clientId);
    return tenant && tenant.id === verified.tenantId ? tenant : undefined;
  }

  /**
   * The tenant a credential names, for attributing a request in its audit record: a revoked
   * static token still names its tenant (its 401s count in the tenant's health); an access token
   * only while it is valid.
   */
  async ownerOf(bearer: string): Promise<{ tenantId: string; tokenId: string } | undefined> {
    if (!looksLikeJwt(bearer)) return this.tokens.ownerOf(bearer);
    const tenant = await this.authenticate(bearer);
    return tenant ? { tenantId: tenant.id, tokenId: tenant.tokenId } : undefined;
  }
}
