import type { DynamicModule } from '@nestjs/common';
import { AdminModule } from '../admin/admin.module';
import type { DiscoverableResourceType } from '../discovery/discovery.options';
import { ScimDiscoveryModule } from '../discovery/discovery.module';
import { OAuthModule } from '../oauth/oauth.module';
import { OAUTH_TOKEN_PATH, type OAuthOptions } from '../oauth/oauth.options';
import { TenantsModule } from '../tenants/tenants.module';
import type { GatewayEdgeConfig } from './gateway-edge.config';
import { ScimEdgeModule } from './scim-edge.module';
import { normaliseBasePath } from '../edge/scim-edge.options';

/**
 * Every module of the gateway's edge, configured from its variables, for the gateway module's
 * `imports`: tenant registry, SCIM edge (filter, guards, body parsing), discovery, admin API.
 * `resourceTypes` lists what the deployment routes, so discovery describes only that.
 */
export function gatewayEdgeImports(
  config: GatewayEdgeConfig,
  options: { resourceTypes: DiscoverableResourceType[]; bulk?: { maxOperations: number; maxPayloadSize: number } },
): DynamicModule[] {
  return [
    TenantsModule.forRoot({
      tokenCacheTtlMs: config.TOKEN_CACHE_TTL_MS,
      tokenCacheMaxEntries: config.TOKEN_CACHE_MAX_ENTRIES,
      tokenLastUsedIntervalMs: config.TOKEN_LAST_USED_INTERVAL_MS,
    }),
    OAuthModule.forRoot(oauthOptionsOf(config)),
    ScimEdgeModule.forRoot({
      basePath: config.SCIM_BASE_PATH,
      formBodyRoutes: [OAUTH_TOKEN_PATH],
      // Never from a request's Host header (docs/security.md): configured, else this process's own loopback URL.
      publicBaseUrl: config.SCIM_PUBLIC_BASE_URL ?? `http://127.0.0.1:${config.HTTP_PORT}${normaliseBasePath(config.SCIM_BASE_PATH)}`,
      bodyLimitBytes: config.SCIM_BODY_LIMIT_BYTES,
      defaultRateLimit: { requestsPerSecond: config.DEFAULT_RATE_LIMIT_PER_SECOND, burst: config.DEFAULT_RATE_LIMIT_BURST },
      defaultMaxWritesInFlight: config.DEFAULT_MAX_WRITES_IN_FLIGHT,
      rateLimitScope: config.RATE_LIMIT_SCOPE,
      ...(config.WRITE_ADMISSION === 'adaptive'
        ? {
            writeAdmission: {
              minLimit: config.WRITE_ADMISSION_MIN,
              maxLimit: Math.max(config.WRITE_ADMISSION_MIN, config.WRITE_ADMISSION_MAX),
              targetMs: config.WRITE_ADMISSION_TARGET_MS,
              maxQueue: config.WRITE_ADMISSION_QUEUE,
              maxWaitMs: config.WRITE_ADMISSION_QUEUE_MS,
            },
          }
        : {}),
    }),
    ScimDiscoveryModule.forRoot({
      basePath: config.SCIM_BASE_PATH,
      maxResults: config.SCIM_MAX_PAGE_SIZE,
      resourceTypes: options.resourceTypes,
      tokenEndpoint: `${oauthOptionsOf(config).issuer}${OAUTH_TOKEN_PATH}`,
      ...(options.bulk ? { bulk: options.bulk } : {}),
    }),
    AdminModule.forRoot({ adminToken: config.ADMIN_TOKEN }),
  ];
}

/** Issuer and audience fixed by configuration, never by a request's Host header. */
export function oauthOptionsOf(config: GatewayEdgeConfig): OAuthOptions {
  const publicBase = config.SCIM_PUBLIC_BASE_URL?.replace(/\/+$/, '');
  const issuer = config.OAUTH_ISSUER ?? (publicBase ? new URL(publicBase).origin : `http://127.0.0.1:${config.HTTP_PORT}`);
  return {
    issuer,
    audience: publicBase ?? `${issuer}${normaliseBasePath(config.SCIM_BASE_PATH)}`,
    accessTokenTtlSeconds: config.OAUTH_ACCESS_TOKEN_TTL_SECONDS,
    keyRotationSeconds: config.OAUTH_SIGNING_KEY_ROTATION_SECONDS,
  };
}
