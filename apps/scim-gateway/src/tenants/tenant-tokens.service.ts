import { Injectable, Logger } from '@nestjs/common';
import { GatewayError } from '../errors/gateway-error';
import type { AuthenticatedTenant } from './authenticated-tenant';
import { schemaProfileOf } from './schema-profile';
import { type TokenRecord } from './tenant-records';
import { TenantTokenRepository } from './tenant-token.repository';
import { toTenant, validName } from './tenants.service';
import { TokenCache, type TokenVerdict } from './token-cache';
import { generateTokenSecret, hashesEqual, hashTokenSecret, looksLikeTokenSecret } from './token-secret';
import { TokenUsageRecorder } from './token-usage-recorder';
import { isUuid } from '@app/persistence';

/** A token as listed: never its secret, never its hash. */
export type TokenInfo = TokenRecord;

/** The answer to issuing a token: the secret appears here and nowhere else, ever. */
export interface IssuedToken {
  token: string;
  tokenId: string;
  tenantId: string;
  name: string;
  createdAt: Date;
}

/**
 * Tenant bearer tokens: issue, list, revoke, and authenticate a presented secret.
 *
 * Authentication is on the hot path (every SCIM request), so verdicts are cached per instance
 * for TenantsOptions.tokenCacheTtlMs, concurrent lookups of one uncached token share one query,
 * and last use is written in the background (TokenUsageRecorder). Consequence, by design: a
 * revocation or profile change made elsewhere takes effect here within the TTL; one made
 * through this instance takes effect at once.
 */
@Injectable()
export class TenantTokensService {
  private readonly lookups = new Map<string, Promise<TokenVerdict>>();
  private readonly log = new Logger('TenantTokensService');

  constructor(
    private readonly tokens: TenantTokenRepository,
    private readonly cache: TokenCache,
    private readonly usage: TokenUsageRecorder,
  ) {}

  async issue(tenantId: string, name = 'default'): Promise<IssuedToken> {
    const tokenName = validName(name, 'token name');
    if (!isUuid(tenantId)) throw GatewayError.tenantNotFound(tenantId);
    const secret = generateTokenSecret();
    const record = await this.tokens.insert(tenantId, tokenName, hashTokenSecret(secret));
    return { token: secret, tokenId: record.id, tenantId, name: record.name, createdAt: record.createdAt };
  }

  async list(tenantId: string): Promise<TokenInfo[]> {
    if (!isUuid(tenantId)) throw GatewayError.tenantNotFound(tenantId);
    return this.tokens.listByTenant(tenantId);
  }

  /** Idempotent: revoking a revoked token keeps its first revocation time. */
  async revoke(tenantId: string, tokenId: string): Promise<TokenInfo> {
    const revoked = isUuid(tenantId) && isUuid(tokenId) ? await this.tokens.revoke(tenantId, tokenId, new Date()) : undefined;
    if (!revoked) throw GatewayError.tokenNotFound(tokenId);
    this.cache.invalidateToken(revoked.tokenHash);
    const { tokenHash: _hash, ...info } = revoked;
    return info;
  }

  /** For the CLI, which knows only the token id. */
  async revokeById(tokenId: string): Promise<TokenInfo> {
    const tenantId = isUuid(tokenId) ? await this.tokens.findTenantIdAcrossTenants(tokenId) : undefined;
    if (!tenantId) throw GatewayError.tokenNotFound(tokenId);
    return this.revoke(tenantId, tokenId);
  }

  /** The tenant a presented secret belongs to; undefined when it is malformed, unknown or revoked. */
  async authenticate(secret: string): Promise<AuthenticatedTenant | undefined> {
    if (!looksLikeTokenSecret(secret)) return undefined;
    const hash = hashTokenSecret(secret);
    const verdict = this.cache.get(hash) ?? (await this.lookUp(hash));
    if (!verdict.accepted) return undefined;
    this.usage.touch(verdict.tenant.id, verdict.tenant.tokenId);
    return verdict.tenant;
  }

  /**
   * The tenant and token a presented secret names, accepted or revoked (an unknown or malformed
   * secret names no one). Only for attributing a request in its audit record: a 401 answered to a
   * revoked token then counts in its tenant's health. Uses the same verdict cache as authentication.
   */
  async ownerOf(secret: string): Promise<{ tenantId: string; tokenId: string } | undefined> {
    if (!looksLikeTokenSecret(secret)) return undefined;
    const hash = hashTokenSecret(secret);
    const verdict = this.cache.get(hash) ?? (await this.lookUp(hash));
    if (verdict.accepted) return { tenantId: verdict.tenant.id, tokenId: verdict.tenant.tokenId };
    return verdict.reason === 'revoked' ? { tenantId: verdict.tenantId, tokenId: verdict.tokenId } : undefined;
  }

  private lookUp(hash: string): Promise<TokenVerdict> {
    let lookup = this.lookups.get(hash);
    if (!lookup) {
      const generation = this.cache.generation;
      lookup = this.verdictFromStore(hash)
        .then((verdict) => {
          this.cache.set(hash, verdict, generation);
          return verdict;
        })
        .finally(() => this.lookups.delete(hash));
      this.lookups.set(hash, lookup);
    }
    return lookup;
  }

  private async verdictFromStore(hash: string): Promise<TokenVerdict> {
    const found = await this.tokens.findByHashAcrossTenants(hash);
    // The index found the row by equality on the hash; compare again in constant time so the
    // decision never rests on a comparison whose duration depends on the secret.
    if (!found || !hashesEqual(found.token.tokenHash.trim(), hash)) return { accepted: false, reason: 'unknown' };
    if (found.token.revokedAt !== null) {
      this.log.debug(`revoked token ${found.token.id} of tenant ${found.tenant.id} presented`);
      return { accepted: false, reason: 'revoked', tenantId: found.tenant.id, tokenId: found.token.id };
    }
    const tenant = toTenant(found.tenant);
    const authenticated: AuthenticatedTenant = Object.freeze({
      id: tenant.id,
      name: tenant.name,
      tokenId: found.token.id,
      profile: Object.freeze(tenant.profile),
      schemaProfile: Object.freeze(schemaProfileOf(tenant)),
    });
    return { accepted: true, tenant: authenticated };
  }
}
