import type { AuthenticatedTenant } from './authenticated-tenant';

/** What a lookup of a token hash concluded. Rejections are cached too, so a bad token cannot make every request a query. */
export type TokenVerdict =
  | { accepted: true; tenant: AuthenticatedTenant }
  | { accepted: false; reason: 'unknown' }
  /** A revoked token still names its tenant: a refused request is attributed to it in the audit log (tenant health). */
  | { accepted: false; reason: 'revoked'; tenantId: string; tokenId: string };

export interface TokenCacheOptions {
  /** How long a verdict is trusted; a revocation made by another instance takes effect within it. */
  ttlMs: number;
  /** Bound on memory when clients spray random tokens: oldest entries go first. */
  maxEntries: number;
  now?: () => number;
}

/**
 * In-memory token-hash → verdict cache of one gateway instance. Keys are SHA-256 hashes, never
 * secrets. Invalidation bumps a generation number so that a lookup which started before it
 * cannot put a stale verdict back (revocation racing an in-flight lookup).
 */
export class TokenCache {
  private readonly entries = new Map<string, { verdict: TokenVerdict; expiresAt: number }>();
  private generationNumber = 0;
  private readonly now: () => number;

  constructor(private readonly options: TokenCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  get generation(): number {
    return this.generationNumber;
  }

  get size(): number {
    return this.entries.size;
  }

  get(tokenHash: string): TokenVerdict | undefined {
    const entry = this.entries.get(tokenHash);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(tokenHash);
      return undefined;
    }
    return entry.verdict;
  }

  /** Stores a verdict looked up when the generation was `generationAtLookup`; dropped if anything was invalidated since. */
  set(tokenHash: string, verdict: TokenVerdict, generationAtLookup: number): void {
    if (generationAtLookup !== this.generationNumber || this.options.ttlMs <= 0) return;
    this.entries.delete(tokenHash);
    while (this.entries.size >= this.options.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
    this.entries.set(tokenHash, { verdict, expiresAt: this.now() + this.options.ttlMs });
  }

  invalidateToken(tokenHash: string): void {
    this.generationNumber++;
    this.entries.delete(tokenHash);
  }

  /** After a profile change: the tenant's accepted tokens are looked up again with the new profile. */
  invalidateTenant(tenantId: string): void {
    this.generationNumber++;
    for (const [hash, entry] of this.entries) {
      if (entry.verdict.accepted && entry.verdict.tenant.id === tenantId) this.entries.delete(hash);
    }
  }

  clear(): void {
    this.generationNumber++;
    this.entries.clear();
  }
}
