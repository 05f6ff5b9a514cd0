import { DynamicModule, Injectable, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { TenantTokenRepository } from './tenant-token.repository';
import { TenantTokensService } from './tenant-tokens.service';
import { TenantRepository } from './tenant.repository';
import { TenantsService } from './tenants.service';
import { DEFAULT_TENANTS_OPTIONS, TENANTS_OPTIONS, TenantsOptions } from './tenants.options';
import { TokenCache } from './token-cache';
import { TokenUsageRecorder } from './token-usage-recorder';

/** Starts the last-used flusher with the app and flushes it on shutdown. */
@Injectable()
class TokenUsageLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(private readonly usage: TokenUsageRecorder) {}
  onModuleInit(): void {
    this.usage.start();
  }
  async onApplicationShutdown(): Promise<void> {
    await this.usage.stop();
  }
}

/**
 * The tenant registry over the gateway database (needs a TypeORM DataSource provider, which
 * RuntimeModule gives every service). Global and imported once, so the auth guard and the admin
 * API share one token cache: an admin revocation clears it for this instance at once.
 */
@Module({})
export class TenantsModule {
  static forRoot(options: Partial<TenantsOptions> = {}): DynamicModule {
    const resolved: TenantsOptions = { ...DEFAULT_TENANTS_OPTIONS, ...options };
    return {
      module: TenantsModule,
      global: true,
      providers: [
        { provide: TENANTS_OPTIONS, useValue: resolved },
        TenantRepository,
        TenantTokenRepository,
        {
          provide: TokenCache,
          useFactory: (o: TenantsOptions) => new TokenCache({ ttlMs: o.tokenCacheTtlMs, maxEntries: o.tokenCacheMaxEntries }),
          inject: [TENANTS_OPTIONS],
        },
        {
          provide: TokenUsageRecorder,
          useFactory: (o: TenantsOptions, tokens: TenantTokenRepository) =>
            new TokenUsageRecorder((tenantId, ids, at) => tokens.recordLastUsed(tenantId, ids, at), { intervalMs: o.tokenLastUsedIntervalMs }),
          inject: [TENANTS_OPTIONS, TenantTokenRepository],
        },
        TokenUsageLifecycle,
        TenantsService,
        TenantTokensService,
      ],
      exports: [TENANTS_OPTIONS, TenantsService, TenantTokensService, TokenCache],
    };
  }
}
