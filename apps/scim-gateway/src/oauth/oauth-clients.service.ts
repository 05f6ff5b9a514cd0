import { Injectable } from '@nestjs/common';
import { GatewayError } from '../errors/gateway-error';
import type { AuthenticatedTenant } from '../tenants/authenticated-tenant';
import { schemaProfileOf } from '../tenants/schema-profile';
import { toTenant, validName } from '../tenants/tenants.service';
import { TokenCache, type TokenVerdict } from '../tenants/token-cache';
import { hashesEqual, hashTokenSecret } from '../tenants/token-secret';
import { generateClientSecret, looksLikeClientSecret } from './client-secret';
import type { OAuthClientRecord } from './oauth-client-records';
import { OAuthClientRepository } from './oauth-client.repository';
import { isUuid } from '@app/persistence';

/** The answer to issuing a client: the secret appears here and nowhere else, ever. */
export interface IssuedOAuthClient {
  clientId: string;
  clientSecret: string;
  tenantId: string;
  name: string;
  createdAt: Date;
}

/** How an OAuth client shows up as the request's credential (audit records' tokenId). */
export function clientCredentialId(clientId: string): string {
  return `client:${clientId}`;
}

/**
 * A tenant's OAuth 2.0 clients (RFC 6749 §2.3.1 client_id + client_secret): issue, list, revoke,
 * check a presented secret at the token endpoint, and resolve the client an access token names
 * to its tenant on every request. That resolution goes through the same verdict cache as the
 * static tokens (TokenCache, key `client:<id>`), so a revocation or profile change has the same
 * reach: at once through this instance's admin API, within TOKEN_CACHE_TTL_MS elsewhere; an
 * access token of a revoked client is refused from then on, even before it expires.
 */
@Injectable()
export class OAuthClientsService {
  private readonly lookups = new Map<string, Promise<TokenVerdict>>();

  constructor(
    private readonly clients: OAuthClientRepository,
    private readonly cache: TokenCache,
  ) {}

  async issue(tenantId: string, name = 'default'): Promise<IssuedOAuthClient> {
    const clientName = validName(name, 'client name');
    if (!isUuid(tenantId)) throw GatewayError.tenantNotFound(tenantId);
    const secret = generateClientSecret();
    const record = await this.clients.insert(tenantId, clientName, hashTokenSecret(secret));
    return { clientId: record.clientId, clientSecret: secret, tenantId, name: record.name, createdAt: record.createdAt };
  }

  async list(tenantId: string): Promise<OAuthClientRecord[]> {
    if (!isUuid(tenantId)) throw GatewayError.tenantNotFound(tenantId);
    return this.clients.listByTenant(tenantId);
  }

  /** Idempotent: revoking a revoked client keeps its first revocation time. */
  async revoke(tenantId: string, clientId: string): Promise<OAuthClientRecord> {
    const revoked = isUuid(tenantId) && isUuid(clientId) ? await this.clients.revoke(tenantId, clientId, new Date()) : undefined;
    if (!revoked) throw GatewayError.oauthClientNotFound(clientId);
    this.cache.invalidateToken(clientCredentialId(clientId));
    return revoked;
  }

  /** For the CLI, which knows only the client id. */
  async revokeById(clientId: string): Promise<OAuthClientRecord> {
    const tenantId = isUuid(clientId) ? await this.clients.findTenantIdAcrossTenants(clientId) : undefined;
    if (!tenantId) throw GatewayError.oauthClientNotFound(clientId);
    return this.revoke(tenantId, clientId);
  }

  /** Token endpoint: the active client these credentials belong to; undefined when unknown, revoked or the secret is wrong. */
  async authenticateClient(clientId: string, secret: string): Promise<OAuthClientRecord | undefined> {
    if (!isUuid(clientId) || !looksLikeClientSecret(secret)) return undefined;
    const found = await this.clients.findWithTenantAcrossTenants(clientId);
    if (!found || found.client.revokedAt !== null) return undefined;
    if (!hashesEqual(found.client.secretHash.trim(), hashTokenSecret(secret))) return undefined;
    const { secretHash: _hash, ...client } = found.client;
    return client;
  }

  /** Written once per issued token (a few per client and hour), off the SCIM request path. */
  noteTokenIssued(client: Pick<OAuthClientRecord, 'tenantId' | 'clientId'>): Promise<void> {
    return this.clients.recordTokenIssued(client.tenantId, client.clientId, new Date());
  }

  /** The tenant an access token's client acts for, with its current profile; undefined once the client is revoked. */
  async tenantOfClient(clientId: string): Promise<AuthenticatedTenant | undefined> {
    if (!isUuid(clientId)) return undefined;
    const key = clientCredentialId(clientId);
    const verdict = this.cache.get(key) ?? (await this.lookUp(key, clientId));
    return verdict.accepted ? verdict.tenant : undefined;
  }

  private lookUp(key: string, clientId: string): Promise<TokenVerdict> {
    let lookup = this.lookups.get(key);
    if (!lookup) {
      const generation = this.cache.generation;
      lookup = this.verdictFromStore(clientId)
        .then((verdict) => {
          this.cache.set(key, verdict, generation);
          return verdict;
        })
        .finally(() => this.lookups.delete(key));
      this.lookups.set(key, lookup);
    }
    return lookup;
  }

  private async verdictFromStore(clientId: string): Promise<TokenVerdict> {
    const found = await this.clients.findWithTenantAcrossTenants(clientId);
    if (!found) return { accepted: false, reason: 'unknown' };
    if (found.client.revokedAt !== null) return { accepted: false, reason: 'revoked', tenantId: found.tenant.id, tokenId: clientCredentialId(clientId) };
    const tenant = toTenant(found.tenant);
    return {
      accepted: true,
      tenant: Object.freeze({
        id: tenant.id,
        name: tenant.name,
        tokenId: clientCredentialId(clientId),
        profile: Object.freeze(tenant.profile),
        schemaProfile: Object.freeze(schemaProfileOf(tenant)),
      }),
    };
  }
}
