import type { DataSource, EntityManager } from 'typeorm';
import type { AttributeDifference, AuditedResourceType, GroupEvent, MembershipChange, RequestRecord, ResourceChange, UserEvent } from '@app/contracts';
import { claimMessages } from '@app/messaging';
import type { AuditPartitions } from './audit-partitions';
import { differencesBetween, differencesWithoutHistory } from './resource-diff';

/** Consumer name under which the audit log claims domain event ids (processed_messages). */
export const AUDIT_EVENTS_CONSUMER = 'audit-log-service.events';

/** A domain event as consumed: the CloudEvent and the correlation id of the request that caused it. */
export interface ConsumedEvent {
  event: UserEvent | GroupEvent;
  correlationId: string | null;
}

/** A row of audit_changes as written (the query side reads it back with `seq` and exact times). */
export interface ChangeRow {
  event_id: string;
  occurred_at: string;
  tenant_id: string;
  type: string;
  resource_type: AuditedResourceType;
  resource_id: string;
  user_name: string | null;
  external_id: string | null;
  display_name: string | null;
  correlation_id: string | null;
  changed_attributes: string[];
  differences: AttributeDifference[];
  member_ids: string[];
}

/** A row of audit_resources: the latest state the log knows of a user or group. */
export interface ResourceState {
  tenant_id: string;
  resource_type: AuditedResourceType;
  resource_id: string;
  user_name: string | null;
  external_id: string | null;
  display_name: string | null;
  deleted: boolean;
  state: Record<string, unknown>;
  last_changed_at: string;
  last_event_id: string;
}

/** Longest name kept in an indexed column (Postgres refuses index rows over about 2.7 kB). */
const MAX_NAME_LENGTH = 512;
const str = (value: unknown): string | null => (typeof value === 'string' ? value.slice(0, MAX_NAME_LENGTH).replace(/\u0000/g, '\uFFFD') : null);

/**
 * Writes what the audit log consumes: request records (idempotent by record id) and domain
 * events (idempotent by event id; each change carries its before/after differences against the
 * resource's previous state, which is kept in audit_resources in the same transaction). Records
 * older than the retention period are not written: their partition is already gone.
 */
export class AuditIngest {
  constructor(
    private readonly dataSource: DataSource,
    private readonly partitions: AuditPartitions,
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
    await this.partitions.ensureFor('audit_requests', kept.map((r) => new Date(r.receivedAt)));
    const rows = kept.map((r) => ({
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
      user_name: str(r.userName),
      external_id: str(r.externalId),
      request_body: r.requestBody ?? null,
      response_body: r.responseBody ?? null,
      ignored_attributes: r.ignoredAttributes ?? [],
    }));
    return this.dataSource.transaction(async (tx) => {
      const inserted: Array<{ tenant_id: string | null; received_at: Date }> = await tx.query(
        `INSERT INTO audit_requests (record_id, received_at, tenant_id, token_id, method, path, query, status, scim_type, latency_ms,
           correlation_id, client_request_id, resource_type, operation, resource_ids, user_name, external_id, request_body, response_body, ignored_attributes)
         SELECT r.record_id, r.received_at, r.tenant_id, r.token_id, r.method, r.path, r.query, r.status, r.scim_type, r.latency_ms,
           r.correlation_id, r.client_request_id, r.resource_type, r.operation, r.resource_ids, r.user_name, r.external_id, r.request_body, r.response_body, r.ignored_attributes
         FROM jsonb_to_recordset($1::jsonb) AS r(record_id varchar, received_at timestamptz, tenant_id varchar, token_id varchar, method varchar,
           path text, query text, status smallint, scim_type varchar, latency_ms double precision, correlation_id varchar, client_request_id varchar,
           resource_type varchar, operation varchar, resource_ids text[], user_name text, external_id text, request_body jsonb, response_body jsonb, ignored_attributes text[])
         ON CONFLICT (record_id, received_at) DO NOTHING
         RETURNING tenant_id, received_at`,
        [JSON.stringify(rows)],
      );
      await this.noteTenants(tx, inserted.filter((r) => r.tenant_id !== null).map((r) => ({ tenantId: r.tenant_id!, at: new Date(r.received_at) })));
      return inserted.length;
    });
  }

  /** Returns how many events were new. Events of one resource must come in their order (they share a partition key). */
  async appendEvents(consumed: readonly ConsumedEvent[]): Promise<number> {
    const cutoff = this.cutoff();
    const kept = consumed.filter((c) => Date.parse(c.event.time) >= cutoff);
    if (kept.length === 0) return 0;
    await this.partitions.ensureFor('audit_changes', kept.map((c) => new Date(c.event.time)));
    return this.dataSource.transaction(async (tx) => {
      const fresh = await claimMessages(tx, AUDIT_EVENTS_CONSUMER, kept.map((c) => c.event.id));
      const todo: ConsumedEvent[] = [];
      for (const c of kept) {
        if (!fresh.has(c.event.id)) continue;
        fresh.delete(c.event.id); // a duplicate within the batch counts once
        todo.push(c);
      }
      if (todo.length === 0) return 0;
      const states = await this.lockStates(tx, todo);
      const changes: ChangeRow[] = [];
      const touched = new Map<string, ResourceState>();
      for (const { event, correlationId } of todo) {
        const change = this.changeOf(event, correlationId, states);
        changes.push(change.row);
        if (change.state) {
          const key = stateKey(change.state.tenant_id, change.state.resource_type, change.state.resource_id);
          states.set(key, change.state);
          touched.set(key, change.state);
        }
      }
      await tx.query(
        `INSERT INTO audit_changes (event_id, occurred_at, tenant_id, type, resource_type, resource_id, user_name, external_id, display_name,
           correlation_id, changed_attributes, differences, member_ids)
         SELECT c.event_id, c.occurred_at, c.tenant_id, c.type, c.resource_type, c.resource_id, c.user_name, c.external_id, c.display_name,
           c.correlation_id, c.changed_attributes, c.differences, c.member_ids
         FROM jsonb_to_recordset($1::jsonb) AS c(event_id varchar, occurred_at timestamptz, tenant_id varchar, type varchar, resource_type varchar,
           resource_id varchar, user_name text, external_id text, display_name text, correlation_id varchar, changed_attributes text[],
           differences jsonb, member_ids text[], n int)
         ORDER BY c.n
         ON CONFLICT (event_id, occurred_at) DO NOTHING`,
        [JSON.stringify(changes.map((c, n) => ({ ...c, n })))],
      );
      if (touched.size > 0) {
        await tx.query(
          `INSERT INTO audit_resources (tenant_id, resource_type, resource_id, user_name, external_id, display_name, deleted, state, last_changed_at, last_event_id)
           SELECT s.tenant_id, s.resource_type, s.resource_id, s.user_name, s.external_id, s.display_name, s.deleted, s.state, s.last_changed_at, s.last_event_id
           FROM jsonb_to_recordset($1::jsonb) AS s(tenant_id varchar, resource_type varchar, resource_id varchar, user_name text, external_id text,
             display_name text, deleted boolean, state jsonb, last_changed_at timestamptz, last_event_id varchar)
           ON CONFLICT (tenant_id, resource_type, resource_id) DO UPDATE SET
             user_name = EXCLUDED.user_name, external_id = EXCLUDED.external_id, display_name = EXCLUDED.display_name,
             deleted = EXCLUDED.deleted, state = EXCLUDED.state, last_changed_at = EXCLUDED.last_changed_at, last_event_id = EXCLUDED.last_event_id
           -- An event replayed late (from the dead-letter topic) never takes the state back in time.
           WHERE audit_resources.last_changed_at <= EXCLUDED.last_changed_at`,
          [JSON.stringify([...touched.values()])],
        );
      }
      await this.noteTenants(tx, todo.map((c) => ({ tenantId: c.event.tenantid, at: new Date(c.event.time) })));
      return todo.length;
    });
  }

  /** The known states of the resources these events change, locked until the transaction ends. */
  private async lockStates(tx: EntityManager, events: readonly ConsumedEvent[]): Promise<Map<string, ResourceState>> {
    const keys = new Map<string, { tenant_id: string; resource_type: AuditedResourceType; resource_id: string }>();
    for (const { event } of events) {
      const target = targetOf(event);
      keys.set(stateKey(event.tenantid, target.type, target.id), { tenant_id: event.tenantid, resource_type: target.type, resource_id: target.id });
    }
    const rows: ResourceState[] = await tx.query(
      `SELECT s.tenant_id, s.resource_type, s.resource_id, s.user_name, s.external_id, s.display_name, s.deleted, s.state,
              s.last_changed_at, s.last_event_id
       FROM audit_resources s
       JOIN jsonb_to_recordset($1::jsonb) AS k(tenant_id varchar, resource_type varchar, resource_id varchar)
         ON s.tenant_id = k.tenant_id AND s.resource_type = k.resource_type AND s.resource_id = k.resource_id
       ORDER BY s.tenant_id, s.resource_type, s.resource_id
       FOR UPDATE OF s`,
      [JSON.stringify([...keys.values()])],
    );
    return new Map(rows.map((r) => [stateKey(r.tenant_id, r.resource_type, r.resource_id), r]));
  }

  private changeOf(event: UserEvent | GroupEvent, correlationId: string | null, states: Map<string, ResourceState>): { row: ChangeRow; state?: ResourceState } {
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
    const resource = isRecord(data.resource) ? data.resource : {};
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
      user_name: str(current.userName) ?? previous?.user_name ?? null,
      external_id: str(current.externalId) ?? previous?.external_id ?? null,
      display_name: str(current.displayName) ?? previous?.display_name ?? null,
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

  private async noteTenants(tx: EntityManager, seen: Array<{ tenantId: string; at: Date }>): Promise<void> {
    const byTenant = new Map<string, { first: number; last: number }>();
    for (const { tenantId, at } of seen) {
      const t = at.getTime();
      const s = byTenant.get(tenantId);
      byTenant.set(tenantId, s ? { first: Math.min(s.first, t), last: Math.max(s.last, t) } : { first: t, last: t });
    }
    if (byTenant.size === 0) return;
    const rows = [...byTenant].sort(([a], [b]) => (a < b ? -1 : 1)).map(([tenant_id, s]) => ({ tenant_id, first: new Date(s.first).toISOString(), last: new Date(s.last).toISOString() }));
    await tx.query(
      `INSERT INTO audit_tenants (tenant_id, first_seen_at, last_seen_at)
       SELECT t.tenant_id, t.first, t.last FROM jsonb_to_recordset($1::jsonb) AS t(tenant_id varchar, first timestamptz, last timestamptz)
       ON CONFLICT (tenant_id) DO UPDATE SET
         first_seen_at = LEAST(audit_tenants.first_seen_at, EXCLUDED.first_seen_at),
         last_seen_at = GREATEST(audit_tenants.last_seen_at, EXCLUDED.last_seen_at)
       WHERE audit_tenants.last_seen_at < EXCLUDED.last_seen_at OR audit_tenants.first_seen_at > EXCLUDED.first_seen_at`,
      [JSON.stringify(rows)],
    );
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stateKey(tenantId: string, type: string, id: string): string {
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
