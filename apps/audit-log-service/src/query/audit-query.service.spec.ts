import type { AuditPrincipal } from '@app/contracts';
import { AuditError, AuditErrorCode } from '../domain/audit-error';
import type { AuditRepositories } from '../persistence/audit-store';
import { AuditQueryService } from './audit-query.service';

const OPS: AuditPrincipal = { kind: 'ops', tenantId: null };
const TENANT_A: AuditPrincipal = { kind: 'tenant', tenantId: 'a' };

function service() {
  const asked: Array<string[] | undefined> = [];
  const repos = {
    requests: {
      find: async (filters: { tenantIds?: string[] }) => (asked.push(filters.tenantIds), []),
    },
    rollups: { totals: async (tenantIds: string[] | undefined) => (asked.push(tenantIds), []) },
  } as unknown as AuditRepositories;
  return { asked, query: new AuditQueryService(repos, undefined, () => new Date('2026-11-23T12:00:00Z')) };
}

async function codeOf(work: Promise<unknown>): Promise<AuditErrorCode | undefined> {
  try {
    await work;
    return undefined;
  } catch (err) {
    return err instanceof AuditError ? err.code : undefined;
  }
}

describe('AuditQueryService', () => {
  it('scopes a tenant credential to its tenant and refuses another as Forbidden', async () => {
    const { asked, query } = service();
    await query.requests(TENANT_A, undefined, {}, 10);
    await query.requests(OPS, undefined, {}, 10);
    await query.requests(OPS, 'b', {}, 10);
    expect(asked).toEqual([['a'], undefined, ['b']]);
    expect(await codeOf(query.requests(TENANT_A, 'b', {}, 10))).toBe(AuditErrorCode.Forbidden);
  });

  it('refuses a summary with more than 2,000 buckets or an empty range as an invalid parameter', async () => {
    const { query } = service();
    expect(await codeOf(query.summaries(OPS, undefined, '1m', new Date('2026-11-01T00:00:00Z')))).toBe(AuditErrorCode.InvalidParameter);
    expect(await codeOf(query.summaries(OPS, undefined, '1h', new Date('2026-11-23T12:00:00Z')))).toBe(AuditErrorCode.InvalidParameter);
    expect(await query.summaries(OPS, undefined, '1h')).toEqual({ bucket: '1h', from: '2026-11-22T12:00:00.000Z', to: '2026-11-23T12:00:00.000Z', items: [] });
  });
});
