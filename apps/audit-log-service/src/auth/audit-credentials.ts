import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { AuditPrincipal, IssuedAuditCredential } from '@app/contracts';

/** Prefix of tenant credentials, so a leaked one is recognisable (secret scanners, logs). */
export const AUDIT_CREDENTIAL_PREFIX = 'audit_';

function hashOf(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

function secretsEqual(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
}

export interface StoredCredential {
  id: string;
  tenantId: string;
  label: string | null;
  createdAt: string;
  revokedAt: string | null;
}

/**
 * Credentials of the query API: the ops token from configuration, and tenant credentials issued
 * by ops and stored as SHA-256 hashes (the secret is shown once). A tenant credential's verdict
 * is cached for `cacheTtlMs`, so revocation takes at most that long.
 */
export class AuditCredentials {
  private readonly cache = new Map<string, { principal: AuditPrincipal | undefined; expires: number }>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly opsToken: string | undefined,
    private readonly cacheTtlMs: number,
    private readonly maxCacheEntries = 10_000,
  ) {}

  async authenticate(secret: string): Promise<AuditPrincipal | undefined> {
    if (this.opsToken && secretsEqual(secret, this.opsToken)) return { kind: 'ops', tenantId: null };
    if (!secret.startsWith(AUDIT_CREDENTIAL_PREFIX)) return undefined;
    const hash = hashOf(secret);
    const cached = this.cache.get(hash);
    if (cached && cached.expires > Date.now()) return cached.principal;
    const rows: Array<{ tenant_id: string }> = await this.dataSource.query(
      'SELECT tenant_id FROM audit_credentials WHERE secret_hash = $1 AND revoked_at IS NULL',
      [hash],
    );
    const principal: AuditPrincipal | undefined = rows[0] ? { kind: 'tenant', tenantId: rows[0].tenant_id } : undefined;
    if (this.cache.size >= this.maxCacheEntries) this.cache.clear();
    this.cache.set(hash, { principal, expires: Date.now() + this.cacheTtlMs });
    return principal;
  }

  async issue(tenantId: string, label: string | null): Promise<IssuedAuditCredential> {
    const token = AUDIT_CREDENTIAL_PREFIX + randomBytes(32).toString('base64url');
    const id = randomUUID();
    const [row]: Array<{ created_at: Date }> = await this.dataSource.query(
      'INSERT INTO audit_credentials (id, tenant_id, label, secret_hash) VALUES ($1, $2, $3, $4) RETURNING created_at',
      [id, tenantId, label, hashOf(token)],
    );
    return { id, tenantId, label, token, createdAt: new Date(row!.created_at).toISOString() };
  }

  async list(tenantId?: string): Promise<StoredCredential[]> {
    const rows: Array<{ id: string; tenant_id: string; label: string | null; created_at: Date; revoked_at: Date | null }> = await this.dataSource.query(
      `SELECT id, tenant_id, label, created_at, revoked_at FROM audit_credentials ${tenantId ? 'WHERE tenant_id = $1' : ''} ORDER BY created_at DESC LIMIT 1000`,
      tenantId ? [tenantId] : [],
    );
    return rows.map((r) => ({
      id: r.id,
      tenantId: r.tenant_id,
      label: r.label,
      createdAt: new Date(r.created_at).toISOString(),
      revokedAt: r.revoked_at ? new Date(r.revoked_at).toISOString() : null,
    }));
  }

  /** True when a live credential was revoked. Takes effect here at once, elsewhere within the cache TTL. */
  async revoke(id: string): Promise<boolean> {
    const rows: Array<{ secret_hash: string }> = await this.dataSource.query(
      'UPDATE audit_credentials SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING secret_hash',
      [id],
    );
    for (const r of rows) this.cache.delete(r.secret_hash);
    return rows.length > 0;
  }
}
