import { DynamicModule, Inject, Injectable, Logger, Module, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, HttpAdapterHost } from '@nestjs/core';
import type { FastifyAdapter } from '@nestjs/platform-fastify';
import { ScimAuthGuard } from '../auth/scim-auth.guard';
import { ScimExceptionFilter } from '../errors/scim-exception.filter';
import { WriteAdmissionGuard } from '../rate-limit/write-admission.guard';
import { LIVE_INSTANCE_COUNT, TENANT_RATE_BUCKETS, TenantRateLimitGuard } from '../rate-limit/tenant-rate-limit.guard';
import { GatewayInstances, SharedTokenBuckets, type SharedLimitsLog } from '../rate-limit/shared-tenant-limits';
import { TokenBucketLimiter } from '../rate-limit/token-bucket';
import { WritesInFlightLimiter } from '../rate-limit/writes-in-flight';
import { resolveScimEdgeOptions, SCIM_EDGE_OPTIONS, type ScimEdgeOptions } from '../edge/scim-edge.options';
import { configureScimHttp } from '../edge/scim-http';
import { ScimInputGuard } from '../edge/scim-input.guard';
import { DataSource } from 'typeorm';
import { LOGGER } from '@app/runtime';
import type { JsonLogger } from '@app/observability';

/** Applies configureScimHttp while Fastify is not yet ready (module init runs before listen). */
@Injectable()
class ScimHttpConfigurer implements OnModuleInit {
  constructor(
    private readonly host: HttpAdapterHost,
    @Inject(SCIM_EDGE_OPTIONS) private readonly options: ScimEdgeOptions,
    private readonly auth: ScimAuthGuard,
  ) {}

  onModuleInit(): void {
    configureScimHttp(this.host.httpAdapter as unknown as FastifyAdapter, { ...this.options, authenticate: (request) => this.auth.authenticateRequest(request) });
  }
}

/** The gateway instances sharing the tenants' limits (one, without a shared scope). */
@Injectable()
class LiveInstances implements OnModuleInit, OnApplicationShutdown {
  private readonly registry?: GatewayInstances;

  constructor(@Inject(SCIM_EDGE_OPTIONS) options: ScimEdgeOptions, @Optional() dataSource?: DataSource, @Optional() @Inject(LOGGER) logger?: JsonLogger) {
    if (options.rateLimitScope === 'shared' && dataSource) this.registry = new GatewayInstances(dataSource, limitsLog(logger));
  }

  get count(): number {
    return this.registry?.count ?? 1;
  }

  async onModuleInit(): Promise<void> {
    await this.registry?.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.registry?.stop();
  }
}

function limitsLog(logger?: JsonLogger): SharedLimitsLog {
  if (logger) return logger.child('tenant-limits');
  const nest = new Logger('tenant-limits');
  return { warn: (message, fields) => nest.warn(`${message} ${JSON.stringify(fields ?? {})}`) };
}

/**
 * The SCIM edge of the gateway, wired once at the root: JSON-only body parsing with a size
 * limit, the SCIM content type, per-request correlation, the global exception filter, and the
 * global guards that authenticate the tenant (already done in onRequest, before the body is read), refuse input no store can hold, and then apply its rate limits, on every route
 * under the base path. Needs TenantsModule (global) for the token service. Global itself, so
 * SCIM controllers can inject SCIM_EDGE_OPTIONS (base path, public base URL).
 */
@Module({})
export class ScimEdgeModule {
  static forRoot(options: Partial<ScimEdgeOptions> = {}): DynamicModule {
    return {
      module: ScimEdgeModule,
      global: true,
      providers: [
        { provide: SCIM_EDGE_OPTIONS, useValue: resolveScimEdgeOptions(options) },
        {
          provide: TENANT_RATE_BUCKETS,
          inject: [SCIM_EDGE_OPTIONS, { token: DataSource, optional: true }, { token: LOGGER, optional: true }],
          useFactory: (edge: ScimEdgeOptions, dataSource?: DataSource, logger?: JsonLogger) =>
            edge.rateLimitScope === 'shared' && dataSource ? new SharedTokenBuckets(dataSource, limitsLog(logger)) : new TokenBucketLimiter(),
        },
        LiveInstances,
        { provide: LIVE_INSTANCE_COUNT, useExisting: LiveInstances },
        { provide: WritesInFlightLimiter, useFactory: () => new WritesInFlightLimiter() },
        ScimAuthGuard,
        ScimHttpConfigurer,
        { provide: APP_FILTER, useClass: ScimExceptionFilter },
        // Global guards run in the order they are provided: the tenant first, then its limits.
        { provide: APP_GUARD, useExisting: ScimAuthGuard },
        { provide: APP_GUARD, useClass: ScimInputGuard },
        { provide: APP_GUARD, useClass: TenantRateLimitGuard },
        // Last: a write its tenant may send is admitted only while the platform keeps up.
        { provide: APP_GUARD, useClass: WriteAdmissionGuard },
      ],
      exports: [SCIM_EDGE_OPTIONS],
    };
  }
}
