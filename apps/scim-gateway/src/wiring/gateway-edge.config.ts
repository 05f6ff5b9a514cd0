import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { ServiceBaseConfig } from '@app/config';

/**
 * Environment variables of the gateway's edge (tenants, tokens, auth, limits, discovery,
 * admin API). ScimGatewayConfig extends this class, so they are validated at boot with the rest.
 */
export class GatewayEdgeConfig extends ServiceBaseConfig {
  /** Path prefix of the SCIM endpoints; the tenant URL in Entra is https://<host><SCIM_BASE_PATH>. */
  @Matches(/^\/[A-Za-z0-9._~\-/]*[A-Za-z0-9._~-]$/, { message: 'must be a path such as /scim/v2 (not the root)' })
  SCIM_BASE_PATH = '/scim/v2';

  /**
   * Absolute SCIM base URL clients see (behind a proxy), for Location and meta.location. Unset:
   * http://127.0.0.1:HTTP_PORT plus the base path — never the request's Host header, which a
   * client chooses. Deployments set it (compose, the Kubernetes manifests).
   */
  @IsOptional()
  @Matches(/^https?:\/\/[^\s]+$/, { message: 'must be an http(s) URL' })
  SCIM_PUBLIC_BASE_URL?: string;

  /** Largest request body read; larger ones get 413. */
  @Type(() => Number)
  @IsInt()
  @Min(1024)
  @Max(100 * 1024 * 1024)
  SCIM_BODY_LIMIT_BYTES = 1_048_576;

  /** Largest page a list returns (published as ServiceProviderConfig filter.maxResults). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000)
  SCIM_MAX_PAGE_SIZE = 200;

  /** Rate limit of a tenant whose profile sets none, per gateway instance. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  DEFAULT_RATE_LIMIT_PER_SECOND = 1000;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  DEFAULT_RATE_LIMIT_BURST = 2000;

  /** Writes in flight per tenant whose profile sets none (across instances when RATE_LIMIT_SCOPE is shared). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  DEFAULT_MAX_WRITES_IN_FLIGHT = 100;

  /**
   * `shared`: every gateway instance on this database leases a tenant's request tokens from one
   * bucket in it and takes its share of the tenant's writes in flight, so N instances enforce a
   * tenant's limits once (docs/deploy.md); `instance`: each instance keeps its own, in memory.
   */
  @IsIn(['shared', 'instance'])
  RATE_LIMIT_SCOPE: 'shared' | 'instance' = 'shared';

  /**
   * `adaptive`: writes in flight across all tenants are capped by a limit that follows write
   * latency; the excess waits in a short bounded queue at the gateway and is shed with 429 +
   * Retry-After when it cannot get a slot in time (docs/performance.md);
   * `off`: only the per-tenant limits apply.
   */
  @IsIn(['adaptive', 'off'])
  WRITE_ADMISSION: 'adaptive' | 'off' = 'adaptive';

  /**
   * Bounds of the adaptive limit on writes in flight (per gateway instance). The floor is high on
   * purpose: the owning services decide commands in batches, and fewer writes in flight make
   * smaller batches that cost more CPU each; on two shared cores a limit of 64 cut a burst's
   * throughput by half (docs/performance.md). The limit guards against overload, not load.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  WRITE_ADMISSION_MIN = 200;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000)
  WRITE_ADMISSION_MAX = 1000;

  /** Write latency (slot to decision) that 90 % of writes should keep under; past it the limit shrinks (ms). */
  @Type(() => Number)
  @IsInt()
  @Min(10)
  @Max(60_000)
  WRITE_ADMISSION_TARGET_MS = 1000;

  /** Writes that may wait at the gateway for a slot under the adaptive limit (per instance); past it they are shed. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(100_000)
  WRITE_ADMISSION_QUEUE = 1000;

  /** Longest a write waits for a slot before it is shed with 429 + Retry-After (ms). */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(30_000)
  WRITE_ADMISSION_QUEUE_MS = 2000;

  /** How long a token's verdict is cached; a revocation through another instance or the CLI takes this long to apply. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  TOKEN_CACHE_TTL_MS = 30_000;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  TOKEN_CACHE_MAX_ENTRIES = 10_000;

  /** A token's last_used_at is written at most once per this interval. */
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  TOKEN_LAST_USED_INTERVAL_MS = 60_000;

  /**
   * `iss` of OAuth access tokens and the base URL of /oauth/v1/token (RFC 8414 issuer); the same
   * on every instance. Unset: the origin of SCIM_PUBLIC_BASE_URL, else http://127.0.0.1:HTTP_PORT.
   */
  @IsOptional()
  @Matches(/^https?:\/\/[^\s/?#]+$/, { message: 'must be an http(s) origin without a path, such as https://scim.example.com' })
  OAUTH_ISSUER?: string;

  /** Lifetime of an access token issued by the token endpoint (client credentials). */
  @Type(() => Number)
  @IsInt()
  @Min(60)
  @Max(86_400)
  OAUTH_ACCESS_TOKEN_TTL_SECONDS = 3600;

  /** How long one signing key signs before the instance rotates to a new one. */
  @Type(() => Number)
  @IsInt()
  @Min(60)
  @Max(30 * 86_400)
  OAUTH_SIGNING_KEY_ROTATION_SECONDS = 86_400;

  /** Bearer credential of the admin API (/admin/v1); unset disables it. At least 32 characters. */
  @IsOptional()
  @IsString()
  @MinLength(32)
  ADMIN_TOKEN?: string;
}
