import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError } from '../errors/gateway-error';
import { SCIM_EDGE_OPTIONS, type ScimEdgeOptions } from '../edge/scim-edge.options';
import '../auth/scim-request';
import type { Admission, BucketLimit } from './token-bucket';
import { WritesInFlightLimiter } from './writes-in-flight';

/** Where a tenant's request tokens come from: a bucket per instance, or one shared by all (SharedTokenBuckets). */
export interface TenantRateBuckets {
  take(tenantId: string, limit: BucketLimit): Admission | Promise<Admission>;
}
export const TENANT_RATE_BUCKETS = Symbol('TENANT_RATE_BUCKETS');

/** How many gateway instances share the tenants' limits now (GatewayInstances; 1 without a registry). */
export interface LiveInstanceCount {
  readonly count: number;
}
export const LIVE_INSTANCE_COUNT = Symbol('LIVE_INSTANCE_COUNT');

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** A write slot frees when some write answers; a second is a fair guess for a decided command. */
const WRITE_RETRY_AFTER_SECONDS = 1;

/**
 * Sheds a tenant's load early with 429 + Retry-After (docs: "bounded in-flight work per tenant"):
 * - a token bucket per tenant (profile.rateLimit, else the gateway default) for every request;
 * - a cap on the tenant's writes in flight (profile.maxWritesInFlight, else the default); the
 *   slot is released when the response is done — sent, failed, or the connection closed.
 *
 * With `RATE_LIMIT_SCOPE=shared` (the gateway's default) the rate is one bucket per tenant in
 * the gateway's database that every instance leases from, and the writes-in-flight cap is divided
 * by the instances alive, so N instances give a tenant its limits once, not N times (Fuze's 10
 * requests/second is the target's own limit). `instance` keeps both in memory per instance.
 *
 * Runs after ScimAuthGuard (same module, registered in that order); routes without a tenant
 * (admin, health) pass untouched.
 */
@Injectable()
export class TenantRateLimitGuard implements CanActivate {
  constructor(
    @Inject(SCIM_EDGE_OPTIONS) private readonly options: ScimEdgeOptions,
    @Inject(TENANT_RATE_BUCKETS) private readonly buckets: TenantRateBuckets,
    private readonly writes: WritesInFlightLimiter,
    @Inject(LIVE_INSTANCE_COUNT) private readonly instances: LiveInstanceCount,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const tenant = request.scimTenant;
    if (!tenant) return true;
    const rate = tenant.profile.rateLimit ?? this.options.defaultRateLimit;
    const admission = await this.buckets.take(tenant.id, rate);
    if (!admission.allowed) throw GatewayError.rateLimited(rate.requestsPerSecond, admission.retryAfterSeconds);
    if (isWrite(request)) {
      const limit = tenant.profile.maxWritesInFlight ?? this.options.defaultMaxWritesInFlight;
      // This instance's share of the tenant's cap; never below one write.
      const share = Math.max(1, Math.ceil(limit / Math.max(1, this.instances.count)));
      const release = this.writes.tryAcquire(tenant.id, share);
      if (!release) throw GatewayError.tooManyWritesInFlight(limit, WRITE_RETRY_AFTER_SECONDS);
      releaseWhenDone(context.switchToHttp().getResponse<FastifyReply>(), release);
    }
    return true;
  }
}

/** POST /.search is a query in a body (RFC 7644 §3.4.3), not a write. */
export function isWrite(request: FastifyRequest): boolean {
  if (!WRITE_METHODS.has(request.method)) return false;
  const path = (request.routeOptions?.url ?? request.url).split('?', 1)[0] ?? '';
  return !path.endsWith('/.search');
}

/** 'close' follows every response: finished normally, by the exception filter, or by a dropped connection. */
function releaseWhenDone(reply: FastifyReply, release: () => void): void {
  const response = reply.raw;
  if (response.destroyed || response.writableFinished) release();
  else response.once('close', release);
}
