/** Options of the tenant registry (TenantsModule.forRoot). */
export interface TenantsOptions {
  /**
   * How long a token's verdict (tenant + profile, or rejection) is cached per instance. A token
   * revoked or a profile changed through another instance (or the CLI) takes effect within this;
   * through this instance's admin API, at once.
   */
  tokenCacheTtlMs: number;
  /** Most verdicts kept per instance. */
  tokenCacheMaxEntries: number;
  /** A token's last_used_at is written at most once per this interval. */
  tokenLastUsedIntervalMs: number;
}

export const DEFAULT_TENANTS_OPTIONS: TenantsOptions = {
  tokenCacheTtlMs: 30_000,
  tokenCacheMaxEntries: 10_000,
  tokenLastUsedIntervalMs: 60_000,
};

export const TENANTS_OPTIONS = Symbol('TENANTS_OPTIONS');
