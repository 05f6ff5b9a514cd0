import { AuditError, AuditErrorCode } from '../domain/audit-error';
import type { AuditCredentialRepository } from './audit-credential.repository';
import { AuditCredentialService } from './audit-credential.service';

/** Credentials in a map by hash, as the repository keeps them. */
function fakeRepository() {
  const live = new Map<string, { id: string; tenantId: string }>();
  const repository = {
    liveTenantOf: async (hash: string) => live.get(hash)?.tenantId,
    insert: async (id: string, tenantId: string, _label: string | null, hash: string) => (live.set(hash, { id, tenantId }), '2026-11-23T00:00:00.000Z'),
    revoke: async (id: string) => {
      for (const [hash, c] of live) if (c.id === id) return live.delete(hash) && hash;
      return undefined;
    },
  } as unknown as AuditCredentialRepository;
  return repository;
}

async function codeOf(work: Promise<unknown>): Promise<AuditErrorCode | undefined> {
  return work.then(
    () => undefined,
    (err) => (err instanceof AuditError ? err.code : undefined),
  );
}

describe('AuditCredentialService', () => {
  const OPS = 'o'.repeat(40);

  it('knows the ops token and an issued tenant credential; anything else is Unauthenticated', async () => {
    const service = new AuditCredentialService(fakeRepository(), OPS, 60_000);
    const issued = await service.issue('t1', 'ci');
    expect(await service.authenticate(OPS, true)).toEqual({ kind: 'ops', tenantId: null });
    expect(await service.authenticate(issued.token, true)).toEqual({ kind: 'tenant', tenantId: 't1' });
    expect(await codeOf(service.authenticate('audit_unknown', true))).toBe(AuditErrorCode.Unauthenticated);
    expect(await codeOf(service.authenticate(undefined, false))).toBe(AuditErrorCode.Unauthenticated);
  });

  it('applies a revocation at once on this instance, though verdicts are cached', async () => {
    const service = new AuditCredentialService(fakeRepository(), OPS, 60_000);
    const issued = await service.issue('t1', null);
    await service.authenticate(issued.token, true); // cached for a minute
    await service.revoke(issued.id);
    expect(await codeOf(service.authenticate(issued.token, true))).toBe(AuditErrorCode.Unauthenticated);
    expect(await codeOf(service.revoke(issued.id))).toBe(AuditErrorCode.NotFound);
    expect(await codeOf(service.revoke('not-a-uuid'))).toBe(AuditErrorCode.NotFound);
  });

  it('lets only ops issue and revoke', () => {
    const service = new AuditCredentialService(fakeRepository(), OPS, 0);
    expect(() => service.requireOps({ kind: 'tenant', tenantId: 't1' })).toThrow(AuditError);
    expect(() => service.requireOps({ kind: 'ops', tenantId: null })).not.toThrow();
  });
});
