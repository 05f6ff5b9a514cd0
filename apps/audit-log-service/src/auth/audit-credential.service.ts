import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { AuditPrincipal, IssuedAuditCredential } from '@app/contracts';
import { isUuid } from '@app/persistence';
import { AuditError, AuditErrorCode, forbidden, notFound } from '../domain/audit-error';
import type { AuditCredentialRepository, StoredCredential } from './audit-credential.repository';

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

/**
 * Credentials of the query API: the ops token from configuration, and tenant credentials issued
 * by ops and stored as SHA-256 hashes (the secret is shown once). A tenant credential's verdict
 * is cached for `cacheTtlMs`, so revocation takes at most that long.
 */
export class AuditCredentialService {
  private readonly cache = new Map<string, { principal: AuditPrincipal | undefined; expires: number }>();

  constructor(
    private readonly repository: AuditCredentialRepository,
    private readonly opsToken: string | undefined,
    private readonly cacheTtlMs: number,
    private readonly maxCacheEntries = 10_000,
  ) {}

  /** The principal of a bearer secret; throws Unauthenticated when there is none or it is not valid. */
  async authenticate(secret: string | undefined, credentialSent: boolean): Promise<AuditPrincipal> {
    const principal = secret === undefined ? undefined : await this.principalOf(secret);
    if (!principal) throw new AuditError(AuditErrorCode.Unauthenticated, credentialSent ? 'The credential is not valid' : 'A bearer credential is required', credentialSent);
    return principal;
  }

  /** Ops may do everything; a tenant credential may not issue, list or revoke. */
  requireOps(principal: AuditPrincipal): void {
    if (principal.kind !== 'ops') throw forbidden('Only the ops credential may do this');
  }

  async issue(tenantId: string, label: string | null): Promise<IssuedAuditCredential> {
    const token = AUDIT_CREDENTIAL_PREFIX + randomBytes(32).toString('base64url');
    const id = randomUUID();
    const createdAt = await this.repository.insert(id, tenantId, label, hashOf(token));
    return { id, tenantId, label, token, createdAt };
  }

  list(tenantId?: string): Promise<StoredCredential[]> {
    return this.repository.list(tenantId);
  }

  /** Takes effect here at once, elsewhere within the cache TTL. NotFound when no live credential has this id. */
  async revoke(id: string): Promise<void> {
    const hash = isUuid(id) ? await this.repository.revoke(id) : undefined;
    if (hash === undefined) throw notFound('No live credential has this id');
    this.cache.delete(hash);
  }

  private async principalOf(secret: string): Promise<AuditPrincipal | undefined> {
    if (this.opsToken && secretsEqual(secret, this.opsToken)) return { kind: 'ops', tenantId: null };
    if (!secret.startsWith(AUDIT_CREDENTIAL_PREFIX)) return undefined;
    const hash = hashOf(secret);
    const cached = this.cache.get(hash);
    if (cached && cached.expires > Date.now()) return cached.principal;
    const tenantId = await this.repository.liveTenantOf(hash);
    const principal: AuditPrincipal | undefined = tenantId ? { kind: 'tenant', tenantId } : undefined;
    if (this.cache.size >= this.maxCacheEntries) this.cache.clear();
    this.cache.set(hash, { principal, expires: Date.now() + this.cacheTtlMs });
    return principal;
  }
}

/** The tenants a principal may read: all (undefined) for ops, its own for a tenant; Forbidden when it asks for another. */
export function visibleTenants(principal: AuditPrincipal, requested: string | undefined): string[] | undefined {
  if (principal.kind === 'ops') return requested ? [requested] : undefined;
  if (requested && requested !== principal.tenantId) throw forbidden('A tenant credential reads only its own tenant');
  return [principal.tenantId!];
}
