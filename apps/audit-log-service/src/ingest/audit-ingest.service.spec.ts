import type { RequestRecord, UserEvent } from '@app/contracts';
import type { AuditRepositories, AuditStore } from '../persistence/audit-store';
import type { ChangeRow, ResourceKey, ResourceState } from '../persistence/change.repository';
import type { RequestRow } from '../persistence/request.repository';
import { AuditIngestService } from './audit-ingest.service';

/** An in-memory store: just enough of the repositories for the service's decisions. */
class FakeStore implements AuditStore {
  readonly requests = new Map<string, RequestRow>();
  readonly changes: ChangeRow[] = [];
  readonly states = new Map<string, ResourceState>();
  readonly claimed = new Set<string>();
  readonly seen: Array<{ tenantId: string; at: Date }> = [];
  readonly partitions: string[] = [];

  readonly read: AuditRepositories = {
    requests: {
      insertNew: async (rows: readonly RequestRow[]) => rows.filter((r) => !this.requests.has(r.record_id) && this.requests.set(r.record_id, r)),
    } as never,
    changes: {
      lockStates: async (keys: readonly ResourceKey[]) =>
        keys.map((k) => this.states.get(`${k.tenant_id}/${k.resource_type}/${k.resource_id}`)).filter((s): s is ResourceState => s !== undefined),
      append: async (rows: readonly ChangeRow[]) => void this.changes.push(...rows),
      saveStates: async (states: readonly ResourceState[]) => states.forEach((s) => this.states.set(`${s.tenant_id}/${s.resource_type}/${s.resource_id}`, s)),
    } as never,
    tenants: { noteSeen: async (seen: Array<{ tenantId: string; at: Date }>) => void this.seen.push(...seen) } as never,
    rollups: { add: async () => undefined } as never,
    claim: async (_consumer: string, ids: readonly string[]) => new Set(ids.filter((id) => !this.claimed.has(id) && this.claimed.add(id))),
  };

  transaction<T>(work: (r: AuditRepositories) => Promise<T>): Promise<T> {
    return work(this.read);
  }

  async ensurePartitions(table: string, instants: Iterable<Date>): Promise<void> {
    for (const i of instants) this.partitions.push(`${table}:${i.toISOString().slice(0, 10)}`);
  }
}

const NOW = new Date('2026-11-23T12:00:00Z');

function record(id: string, receivedAt: string): RequestRecord {
  return {
    recordId: id,
    receivedAt,
    tenantId: 't1',
    tokenId: 'k1',
    method: 'POST',
    path: '/scim/v2/Users',
    status: 201,
    latencyMs: 12,
    correlationId: 'c1',
    userName: 'x'.repeat(600),
  } as RequestRecord;
}

function userEvent(id: string, type: UserEvent['type'], resource: Record<string, unknown>, changedAttributes: string[] = []): UserEvent {
  return {
    specversion: '1.0',
    id,
    source: '/scim/user-service',
    type,
    subject: 'u1',
    time: '2026-11-23T11:00:00Z',
    datacontenttype: 'application/json',
    tenantid: 't1',
    data: { resource: resource as UserEvent['data']['resource'], changedAttributes },
  };
}

describe('AuditIngestService', () => {
  let store: FakeStore;
  let ingest: AuditIngestService;

  beforeEach(() => {
    store = new FakeStore();
    ingest = new AuditIngestService(store, 90, () => NOW);
  });

  it('stores a request record once, cuts long names and skips records past retention', async () => {
    expect(await ingest.appendRequests([record('r1', '2026-11-23T11:00:00Z'), record('old', '2026-01-01T00:00:00Z')])).toBe(1);
    expect(await ingest.appendRequests([record('r1', '2026-11-23T11:00:00Z')])).toBe(0);
    expect(store.requests.get('r1')!.user_name).toHaveLength(512);
    expect(store.requests.has('old')).toBe(false);
    expect(store.partitions).toEqual(['audit_requests:2026-11-23', 'audit_requests:2026-11-23']);
  });

  it('records an update against the known state, and a redelivered event changes nothing', async () => {
    await ingest.appendEvents([{ event: userEvent('e1', 'scim.user.created', { id: 'u1', userName: 'ada', displayName: 'Ada' }), correlationId: 'c1' }]);
    const update = userEvent('e2', 'scim.user.updated', { id: 'u1', userName: 'ada', displayName: 'Ada L.' }, ['displayName']);
    expect(
      await ingest.appendEvents([
        { event: update, correlationId: null },
        { event: update, correlationId: null },
      ]),
    ).toBe(1);
    expect(await ingest.appendEvents([{ event: update, correlationId: null }])).toBe(0);
    expect(store.changes.map((c) => c.type)).toEqual(['scim.user.created', 'scim.user.updated']);
    expect(store.changes[1].differences).toEqual([{ path: 'displayName', op: 'changed', before: 'Ada', after: 'Ada L.' }]);
    expect(store.states.get('t1/User/u1')!.state).toEqual({ id: 'u1', userName: 'ada', displayName: 'Ada L.' });
  });

  it('names only the changed attributes of an update to a resource it never saw created', async () => {
    await ingest.appendEvents([{ event: userEvent('e3', 'scim.user.updated', { id: 'u1', userName: 'ada', active: false }, ['active']), correlationId: null }]);
    expect(store.changes[0].differences).toEqual([{ path: 'active', op: 'changed', before: null, after: false }]);
  });

  it('keeps the last state of a deleted resource as what was removed', async () => {
    await ingest.appendEvents([{ event: userEvent('e1', 'scim.user.created', { id: 'u1', userName: 'ada' }), correlationId: null }]);
    await ingest.appendEvents([{ event: userEvent('e4', 'scim.user.deleted', { id: 'u1' }), correlationId: null }]);
    expect(store.changes[1].differences).toContainEqual({ path: 'userName', op: 'removed', before: 'ada', after: null });
    expect(store.states.get('t1/User/u1')).toMatchObject({ deleted: true, user_name: 'ada' });
  });
});
