import type { DataSource } from 'typeorm';
import { OAuthClientRepository } from '../oauth/oauth-client.repository';
import { OAuthClientsService } from '../oauth/oauth-clients.service';
import { TenantTokenRepository } from './tenant-token.repository';
import { TenantTokensService } from './tenant-tokens.service';
import { TenantRepository } from './tenant.repository';
import { TenantsService } from './tenants.service';
import { DEFAULT_TENANTS_OPTIONS, TenantsOptions } from './tenants.options';
import { TokenCache } from './token-cache';
import { TokenUsageRecorder } from './token-usage-recorder';

export interface TenantRegistry {
  tenants: TenantsService;
  tokens: TenantTokensService;
  oauthClients: OAuthClientsService;
  /** Flushes pending last-used writes. The data source stays open: it is the caller's. */
  close(): Promise<void>;
}

/**
 * The same services TenantsModule provides, wired by hand for code that runs without Nest
 * (the CLI): one object graph, so behaviour cannot drift between the two.
 */
export function createTenantRegistry(dataSource: DataSource, options: Partial<TenantsOptions> = {}): TenantRegistry {
  const o = { ...DEFAULT_TENANTS_OPTIONS, ...options };
  const tenantRepository = new TenantRepository(dataSource);
  const tokenRepository = new TenantTokenRepository(dataSource);
  const cache = new TokenCache({ ttlMs: o.tokenCacheTtlMs, maxEntries: o.tokenCacheMaxEntries });
  const usage = new TokenUsageRecorder((tenantId, ids, at) => tokenRepository.recordLastUsed(tenantId, ids, at), { intervalMs: o.tokenLastUsedIntervalMs });
  return {
    tenants: new TenantsService(tenantRepository, cache),
    tokens: new TenantTokensService(tokenRepository, cache, usage),
    oauthClients: new OAuthClientsService(new OAuthClientRepository(dataSource), cache),
    close: () => usage.stop(),
  };
}
