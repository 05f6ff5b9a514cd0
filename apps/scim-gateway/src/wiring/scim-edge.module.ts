import { DynamicModule, Inject, Injectable, Module, OnModuleInit } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, HttpAdapterHost } from '@nestjs/core';
import type { FastifyAdapter } from '@nestjs/platform-fastify';
import { ScimAuthGuard } from '../auth/scim-auth.guard';
import { ScimExceptionFilter } from '../errors/scim-exception.filter';
import { WriteAdmissionGuard } from '../rate-limit/write-admission.guard';
import { TenantRateLimitGuard } from '../rate-limit/tenant-rate-limit.guard';
import { TokenBucketLimiter } from '../rate-limit/token-bucket';
import { WritesInFlightLimiter } from '../rate-limit/writes-in-flight';
import { resolveScimEdgeOptions, SCIM_EDGE_OPTIONS, type ScimEdgeOptions } from '../edge/scim-edge.options';
import { configureScimHttp } from '../edge/scim-http';
import { ScimInputGuard } from '../edge/scim-input.guard';

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
        { provide: TokenBucketLimiter, useFactory: () => new TokenBucketLimiter() },
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
