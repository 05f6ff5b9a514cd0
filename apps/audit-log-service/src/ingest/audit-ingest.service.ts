import type { AuditedResourceType, GroupEvent, MembershipChange, RequestRecord, ResourceChange, TenantEvent, UserEvent } from '@app/contracts';
import { rollupsOf } from '../domain/request-outcome';
import { differencesBetween, differencesWithoutHistory } from '../domain/resource-diff';
import type { AuditRepositories, AuditStore } from '../persistence/audit-store';
import type { ChangeRow, ResourceKey, ResourceState } from '../persistence/change.repository';
import type { RequestRow } from '../persistence/request.repository';
import { indexableName } from '../persistence/sql';

/** Consumer name under which the audit log claims domain event ids (processed_messages). */
export const AUDIT_EVENTS_CONSUMER = 'audit-log-service.events';

/** A domain event as consumed: the CloudEvent and the correlation id of the request that caused it. */
export interface ConsumedEvent {
  event: UserEvent | GroupEvent;
  correlationId: string | null;
}

/**
 * Decides what the audit log keeps of what it consumes: request records (idempotent by record
 * id) and domain events (idempotent by event id; each change carries its before/after
 * differences against the resource's previous state, kept in the same transaction). Records
 * older than the retention period are not written: their partition is already gone.
 */
export class AuditIngestService {
  constructor(
    private readonly store: AuditStore,
    private readonly retentionDays: number,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private cutoff(): number {
    return this.now().getTime() - this.retentionDays * 86_400_000;
  }

  /** Returns how many records were new (the rest were redeliveries or past retention). */
  async appendRequests(records: readonly RequestRecord[]): Promise<number> {
    const cutoff = this.cutoff();
    const kept = records.filter((r) => Date.parse(r.receivedAt) >= cutoff);
    if (kept.length === 0) return 0;
    await this.store.ensurePartitions(
      'audit_requests',
      kept.map((r) => new Date(r.receivedAt)),
    );
    const rows = kept.map(requestRowOf);
    return this.store.transaction(async (repos) => {
      const inserted = await repos.requests.insertNew(rows);
      await this.afterRequestsStored(repos, inserted);
      return inserted.length;
    });
  }

  /** What follows from newly stored requests, in their transaction. */
  private async afterRequestsStored(repos: AuditRepositories, inserted: readonly RequestRow[]): Promise<void> {
    const ofTenants = inserted.filter((r) => r.tenant_id !== null);
    await repos.rollups.add(
      rollupsOf(ofTenants.map((r) => ({ tenantId: r.tenant_id!, receivedAt: r.received_at, status: r.status, latencyMs: r.latency_ms, scimType: r.scim_type }))),
    );
    await repos.tenants.noteSeen(ofTenants.map((r) => ({ tenantId: r.tenant_id!, at: new Date(r.received_at), success: r.status < 400, unauthorized: r.status === 401 })));
  }

  /** The registry's name of each tenant, from the gateway's tenant events (keyed by tenant, so they come in order). */
  async noteTenantEvents(events: readonly TenantEvent[]): Promise<void> {
    const latest = new Map<string, TenantEvent>();
    for (const e of events) {
      const before = latest.get(e.data.tenant.id);
      if (!before || before.time <= e.time) latest.set(e.data.tenant.id, e);
    }
    await this.store.transaction(async (repos) => {
      for (const e of [...latest.values()].sort((a, b) => (a.data.tenant.id < b.data.tenant.id ? -1 : 1))) {
        await repos.tenants.rename(e.data.tenant.id, e.data.tenant.name, new Date(e.time));
      }
    });
  }

  /** Returns how many events were new. Events of one resource must come in their order (they share a partition key). */
  async appendEvents(consumed: readonly ConsumedEvent[]): Promise<number> {
    const cutoff = this.cutoff();
    const kept = consumed.filter((c) => Date.parse(c.event.time) >= cutoff);
    if (kept.length === 0) return 0;
    await this.store.ensurePartitions(
      'audit_changes',
      kept.map((c) => new Date(c.event.time)),
    );
    return this.store.transaction(async (repos) => {
      const fresh = await repos.claim(
        AUDIT_EVENTS_CONSUMER,
        kept.map((c) => c.event.id),
      );
      const todo: ConsumedEvent[] = [];
      for (const c of kept) {
        if (!fresh.has(c.event.id)) continue;
        fresh.delete(c.event.id); // a duplicate within the batch counts once
        todo.push(c);
      }
      if (todo.length === 0) return 0;
      const keys = new Map<string, ResourceKey>();
      for (const { event } of todo) {
        const target = targetOf(event);
        keys.set(stateKey(event.tenantid, target.type, target.id), { tenant_id: event.tenantid, resource_type: target.type, resource_id: target.id });
      }
      const states = new Map((await repos.changes.lockStates([...keys.values()])).map((s) => [stateKey(s.tenant_id, s.resource_type, s.resource_id), s]));
      const changes: ChangeRow[] = [];
      const touched = new Map<string, ResourceState>();
      for (const { event, correlationId } of todo) {
        const change = changeOf(event, correlationId, states);
        changes.push(change.row);
        if (change.state) {
          const key = stateKey(change.state.tenant_id, change.state.resource_type, change.state.resource_id);
          states.set(key, change.state);
          touched.set(key, change.state);
        }
      }
      await repos.changes.append(changes);
      await repos.changes.saveStates([...touched.values()]);
      await repos.tenants.noteSeen(todo.map((c) => ({ tenantId: c.event.tenantid, at: new Date(c.event.time) })));
      return todo.length;
    });
  }
}

function requestRowOf(r: RequestRecord): RequestRow {
  return {
    record_id: r.recordId,
    received_at: r.receivedAt,
    tenant_id: r.tenantId,
    token_id: r.tokenId,
    method: r.method.slice(0, 16),
    path: r.path,
    query: r.query ?? '',
    status: r.status,
    scim_type: r.scimType?.slice(0, 64) ?? null,
    latency_ms: r.latencyMs,
    correlation_id: r.correlationId.slice(0, 200),
    client_request_id: r.clientRequestId?.slice(0, 200) ?? null,
    resource_type: r.resourceType ?? null,
    operation: r.operation ?? 'other',
    resource_ids: r.resourceIds ?? [],
    user_name: indexableName(r.userName),
    external_id: indexableName(r.externalId),
    request_body: r.requestBody ?? null,
    response_body: r.responseBody ?? null,
    ignored_attributes: r.ignoredAttributes ?? [],
  };
}

/** The change an event makes, with its differences against the known state, and the state after it. */
export function changeOf(event: UserEvent | GroupEvent, correlationId: string | null, states: ReadonlyMap<string, ResourceState>): { row: ChangeRow; state?: ResourceState } {
  const target = targetOf(event);
  const previous = states.get(stateKey(event.tenantid, target.type, target.id));
  const base = {
    event_id: event.id,
    occurred_at: event.time,
    tenant_id: event.tenantid,
    type: event.type,
    resource_type: target.type,
    resource_id: target.id,
    correlation_id: correlationId,
  };
  if (event.type === 'scim.membership.added' || event.type === 'scim.membership.removed') {
    const data = event.data as MembershipChange;
    const memberIds = [...new Set(data.memberIds)];
    const added = event.type === 'scim.membership.added';
    return {
      row: {
        ...base,
        user_name: null,
        external_id: null,
        display_name: previous?.display_name ?? null,
        changed_attributes: ['members'],
        differences: [{ path: 'members', op: added ? 'added' : 'removed', before: added ? null : memberIds, after: added ? memberIds : null }],
        member_ids: memberIds,
      },
    };
  }
  const data = event.data as ResourceChange;
  const deleted = event.type === 'scim.user.deleted' || event.type === 'scim.group.deleted';
  const resource: Record<string, unknown> = isRecord(data.resource) ? data.resource : {};
  // A deletion's event may carry only the id: the resource's last state is what was removed.
  const after = deleted ? undefined : resource;
  const known = previous && !previous.deleted ? previous.state : undefined;
  const isCreation = event.type === 'scim.user.created' || event.type === 'scim.group.created';
  const differences =
    known !== undefined || isCreation || deleted
      ? differencesBetween(known ?? (deleted ? resource : undefined), after)
      : differencesWithoutHistory(resource, data.changedAttributes ?? []);
  const current = after ?? known ?? resource;
  const names = {
    user_name: indexableName(current.userName) ?? previous?.user_name ?? null,
    external_id: indexableName(current.externalId) ?? previous?.external_id ?? null,
    display_name: indexableName(current.displayName) ?? previous?.display_name ?? null,
  };
  return {
    row: { ...base, ...names, changed_attributes: data.changedAttributes ?? [], differences, member_ids: [] },
    state: {
      tenant_id: event.tenantid,
      resource_type: target.type,
      resource_id: target.id,
      ...names,
      deleted,
      state: current,
      last_changed_at: event.time,
      last_event_id: event.id,
    },
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function stateKey(tenantId: string, type: string, id: string): string {
  return `${tenantId}\u0000${type}\u0000${id}`;
}

/** The resource an event is about: its subject, a user or a group by the event type. */
function targetOf(event: UserEvent | GroupEvent): { type: AuditedResourceType; id: string } {
  const type: AuditedResourceType = event.type.startsWith('scim.user.') ? 'User' : 'Group';
  if (event.type === 'scim.membership.added' || event.type === 'scim.membership.removed') {
    return { type, id: (event.data as MembershipChange).groupId ?? event.subject };
  }
  return { type, id: event.subject };
}
