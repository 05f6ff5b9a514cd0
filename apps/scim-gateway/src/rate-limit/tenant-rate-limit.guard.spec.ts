import { EventEmitter } from 'node:events';
import type { ExecutionContext } from '@nestjs/common';
import { GatewayError } from '../errors/gateway-error';
import { resolveScimEdgeOptions } from '../edge/scim-edge.options';
import type { AuthenticatedTenant } from '../tenants/authenticated-tenant';
import { parseConnectorProfile } from '../tenants/connector-profile';
import { TenantRateLimitGuard } from './tenant-rate-limit.guard';
import { TokenBucketLimiter } from './token-bucket';
import { WritesInFlightLimiter } from './writes-in-flight';

function tenantWith(profile: Record<string, unknown>): AuthenticatedTenant {
  const parsed = parseConnectorProfile(profile);
  return { id: 'tenant-a', name: 'a', tokenId: 't', profile: parsed, schemaProfile: { extensions: [], mutabilityOverrides: {}, unknownAttributes: 'ignore' } };
}

function request(method: string, url: string, tenant?: AuthenticatedTenant) {
  const raw = Object.assign(new EventEmitter(), { destroyed: false, writableFinished: false });
  const context = {
    getType: () => 'http',
    switchToHttp: () => ({ getRequest: () => ({ method, url, routeOptions: { url }, scimTenant: tenant }), getResponse: () => ({ raw }) }),
  } as unknown as ExecutionContext;
  return { context, finish: () => raw.emit('close') };
}

describe('TenantRateLimitGuard', () => {
  let now = 0;
  const setUp = (instances = 1) => {
    now = 0;
    const writes = new WritesInFlightLimiter();
    const guard = new TenantRateLimitGuard(
      resolveScimEdgeOptions({ defaultRateLimit: { requestsPerSecond: 1000, burst: 2000 }, defaultMaxWritesInFlight: 100 }),
      new TokenBucketLimiter(() => now),
      writes,
      { count: instances },
    );
    return { guard, writes };
  };

  it('passes requests without a tenant (admin, health)', async () => {
    const { guard } = setUp();
    await expect(guard.canActivate(request('POST', '/admin/v1/tenants').context)).resolves.toBe(true);
  });

  it("refuses with 429 once the tenant's bucket is empty", async () => {
    const { guard } = setUp();
    const tenant = tenantWith({ rateLimit: { requestsPerSecond: 10, burst: 2 } });
    await guard.canActivate(request('GET', '/scim/v2/Users', tenant).context);
    await guard.canActivate(request('GET', '/scim/v2/Users', tenant).context);
    await expect(guard.canActivate(request('GET', '/scim/v2/Users', tenant).context)).rejects.toEqual(
      expect.objectContaining({ code: 'RATE_LIMITED', retryAfterSeconds: 1 }) as GatewayError,
    );
  });

  it('holds a write slot until the response closes, whatever ended it', async () => {
    const { guard, writes } = setUp();
    const tenant = tenantWith({ maxWritesInFlight: 2 });
    const first = request('POST', '/scim/v2/Users', tenant);
    const second = request('PATCH', '/scim/v2/Users/:id', tenant);
    await guard.canActivate(first.context);
    await guard.canActivate(second.context);
    await expect(guard.canActivate(request('DELETE', '/scim/v2/Users/:id', tenant).context)).rejects.toEqual(
      expect.objectContaining({ code: 'TOO_MANY_WRITES_IN_FLIGHT', retryAfterSeconds: 1 }) as GatewayError,
    );
    // Reads and /.search queries never wait for write slots.
    await expect(guard.canActivate(request('GET', '/scim/v2/Users', tenant).context)).resolves.toBe(true);
    await expect(guard.canActivate(request('POST', '/scim/v2/Users/.search', tenant).context)).resolves.toBe(true);
    first.finish();
    expect(writes.inFlight('tenant-a')).toBe(1);
    await expect(guard.canActivate(request('PUT', '/scim/v2/Users/:id', tenant).context)).resolves.toBe(true);
  });

  it("gives each of N live instances its share of the tenant's writes in flight, at least one", async () => {
    const { guard } = setUp(2);
    const tenant = tenantWith({ maxWritesInFlight: 5 });
    for (let i = 0; i < 3; i++) await guard.canActivate(request('POST', '/scim/v2/Users', tenant).context);
    await expect(guard.canActivate(request('POST', '/scim/v2/Users', tenant).context)).rejects.toEqual(
      expect.objectContaining({ code: 'TOO_MANY_WRITES_IN_FLIGHT' }) as GatewayError,
    );
    const { guard: crowded } = setUp(10);
    const one = tenantWith({ maxWritesInFlight: 2 });
    await crowded.canActivate(request('POST', '/scim/v2/Users', one).context);
    await expect(crowded.canActivate(request('POST', '/scim/v2/Users', one).context)).rejects.toEqual(
      expect.objectContaining({ code: 'TOO_MANY_WRITES_IN_FLIGHT' }) as GatewayError,
    );
  });
});
