import { randomUUID } from 'node:crypto';
import { GatewayError } from '../errors/gateway-error';
import type { TenantRecord, TokenRecord, TokenWithTenant } from './tenant-records';
import type { TenantTokenRepository } from './tenant-token.repository';
import { TenantTokensService } from './tenant-tokens.service';
import { TokenCache } from './token-cache';
import { TokenUsageRecorder } from './token-usage-recorder';

/** In-memory stand-in for the token table, counting the lookups authentication makes. */
class FakeTokenRepository {
  readonly tenants = new Map<string, TenantRecord>();
  readonly tokens = new Map<string, TokenRecord & { tokenHash: string }>();
  lookups = 0;
  lastUsed: Array<{ tenantId: string; tokenIds: string[]; at: Date }> = [];

  addTenant(profile: Record<string, unknown> = {}): TenantRecord {
    const tenant = { id: randomUUID(), name: `t-${this.tenants.size}`, profile, createdAt: new Date() };
    this.tenants.set(tenant.id, tenant);
    return tenant;
  }
  async insert(tenantId: string, name: string, tokenHash: string): Promise<TokenRecord> {
    if (!this.tenants.has(tenantId)) throw GatewayError.tenantNotFound(tenantId);
    const token = { id: randomUUID(), tenantId, name, tokenHash, createdAt: new Date(), revokedAt: null, lastUsedAt: null };
    this.tokens.set(token.id, token);
    return token;
  }
  async listByTenant(tenantId: string): Promise<TokenRecord[]> {
    return [...this.tokens.values()].filter((t) => t.tenantId === tenantId);
  }
  async revoke(tenantId: string, tokenId: string, at: Date) {
    const token = this.tokens.get(tokenId);
    if (!token || token.tenantId !== tenantId) return undefined;
    token.revokedAt ??= at;
    return { ...token };
  }
  async recordLastUsed(tenantId: string, tokenIds: string[], at: Date): Promise<void> {
    this.lastUsed.push({ tenantId, tokenIds, at });
  }
  async findByHashAcrossTenants(hash: string): Promise<TokenWithTenant | undefined> {
    this.lookups++;
    await new Promise((r) => setImmediate(r));
    const token = [...this.tokens.values()].find((t) => t.tokenHash === hash);
    return token ? { token: { ...token }, tenant: this.tenants.get(token.tenantId)! } : undefined;
  }
  async findTenantIdAcrossTenants(tokenId: string): Promise<string | undefined> {
    return this.tokens.get(tokenId)?.tenantId;
  }
}

function setUp(ttlMs = 30_000) {
  let now = 1_000_000;
  const clock = { now: () => now, advance: (ms: number) => (now += ms) };
  const repo = new FakeTokenRepository();
  const cache = new TokenCache({ ttlMs, maxEntries: 100, now: clock.now });
  const usage = new TokenUsageRecorder((tenantId, ids, at) => repo.recordLastUsed(tenantId, ids, at), { intervalMs: 60_000, now: clock.now });
  const service = new TenantTokensService(repo as unknown as TenantTokenRepository, cache, usage);
  return { clock, repo, cache, usage, service };
}

describe('TenantTokensService', () => {
  it('issues a secret once, stores only its hash, and lists tokens without secrets', async () => {
    const { repo, service } = setUp();
    const tenant = repo.addTenant();
    const issued = await service.issue(tenant.id, 'entra');
    expect(issued.token).toMatch(/^scim_/);
    const stored = repo.tokens.get(issued.tokenId)!;
    expect(stored.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(issued.token);
    const listed = await service.list(tenant.id);
    expect(listed).toHaveLength(1);
    expect(JSON.stringify(listed)).not.toContain(issued.token);
  });

  it('authenticates to the tenant with its schema profile, from cache after the first lookup', async () => {
    const { repo, service } = setUp();
    const tenant = repo.addTenant({ mutabilityOverrides: { entitlements: 'immutable' } });
    const { token, tokenId } = await service.issue(tenant.id);
    const first = await service.authenticate(token);
    expect(first).toMatchObject({ id: tenant.id, tokenId, schemaProfile: { mutabilityOverrides: { entitlements: 'immutable' } } });
    for (let i = 0; i < 100; i++) await service.authenticate(token);
    expect(repo.lookups).toBe(1);
  });

  it('shares one lookup between concurrent requests with the same uncached token', async () => {
    const { repo, service } = setUp();
    const tenant = repo.addTenant();
    const { token } = await service.issue(tenant.id);
    const results = await Promise.all(Array.from({ length: 20 }, () => service.authenticate(token)));
    expect(results.every((r) => r?.id === tenant.id)).toBe(true);
    expect(repo.lookups).toBe(1);
  });

  it('refuses malformed tokens without a lookup, and caches unknown ones', async () => {
    const { service, repo } = setUp();
    expect(await service.authenticate('not-a-token')).toBeUndefined();
    expect(repo.lookups).toBe(0);
    const unknown = `scim_${'A'.repeat(43)}`;
    expect(await service.authenticate(unknown)).toBeUndefined();
    expect(await service.authenticate(unknown)).toBeUndefined();
    expect(repo.lookups).toBe(1);
  });

  it('a revocation through this instance applies at once', async () => {
    const { repo, service } = setUp();
    const tenant = repo.addTenant();
    const { token, tokenId } = await service.issue(tenant.id);
    expect(await service.authenticate(token)).toBeDefined();
    const revoked = await service.revoke(tenant.id, tokenId);
    expect(revoked.revokedAt).toBeInstanceOf(Date);
    expect(await service.authenticate(token)).toBeUndefined();
  });

  it('a revocation elsewhere (another instance, the CLI) applies when the cached verdict expires', async () => {
    const { repo, service, clock } = setUp(30_000);
    const tenant = repo.addTenant();
    const { token, tokenId } = await service.issue(tenant.id);
    expect(await service.authenticate(token)).toBeDefined();
    repo.tokens.get(tokenId)!.revokedAt = new Date(); // straight in the table: this instance is not told
    clock.advance(29_000);
    expect(await service.authenticate(token)).toBeDefined();
    clock.advance(1_000);
    expect(await service.authenticate(token)).toBeUndefined();
  });

  it('does not let a lookup that raced a revocation put the stale verdict back', async () => {
    const { repo, service } = setUp();
    const tenant = repo.addTenant();
    const { token, tokenId } = await service.issue(tenant.id);
    const racing = service.authenticate(token); // lookup in flight, sees the token active
    await service.revoke(tenant.id, tokenId);
    await racing;
    expect(await service.authenticate(token)).toBeUndefined();
  });

  it('only revokes a token of the named tenant, and revokes by id alone for the CLI', async () => {
    const { repo, service } = setUp();
    const a = repo.addTenant();
    const b = repo.addTenant();
    const { tokenId } = await service.issue(a.id);
    await expect(service.revoke(b.id, tokenId)).rejects.toMatchObject({ code: 'TOKEN_NOT_FOUND' });
    await expect(service.revoke(a.id, 'not-a-uuid')).rejects.toMatchObject({ code: 'TOKEN_NOT_FOUND' });
    expect((await service.revokeById(tokenId)).revokedAt).toBeInstanceOf(Date);
  });

  it('notes token use at most once per interval and writes it in the background', async () => {
    const { repo, service, usage, clock } = setUp();
    const tenant = repo.addTenant();
    const { token, tokenId } = await service.issue(tenant.id);
    for (let i = 0; i < 50; i++) await service.authenticate(token);
    expect(repo.lastUsed).toEqual([]); // nothing written on the request path
    await usage.flush();
    expect(repo.lastUsed).toEqual([{ tenantId: tenant.id, tokenIds: [tokenId], at: expect.any(Date) }]);
    clock.advance(30_000);
    await service.authenticate(token);
    await usage.flush();
    expect(repo.lastUsed).toHaveLength(1);
    clock.advance(30_000);
    await service.authenticate(token);
    await usage.flush();
    expect(repo.lastUsed).toHaveLength(2);
  });
});
