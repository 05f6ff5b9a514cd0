import type { AttributeDifference, AuditedChange, AuditedResource, AuditedResourceType } from '@app/contracts';
import { escapeLike } from '@app/persistence';
import type { Cursor } from '../query/cursor';
import { exactTime, Where, type Queryable } from './sql';

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

export interface ResourceKey {
  tenant_id: string;
  resource_type: AuditedResourceType;
  resource_id: string;
}

export interface ChangeFilters {
  tenantIds?: string[];
  from?: Date;
  to?: Date;
  resourceType?: AuditedResourceType;
  resourceId?: string;
  memberId?: string;
  userName?: string;
  externalId?: string;
  type?: string;
  correlationId?: string;
}

const CHANGE_COLUMNS = `event_id, seq, ${exactTime('occurred_at')} AS occurred_at_exact, tenant_id, type, resource_type, resource_id, user_name, external_id,
  display_name, correlation_id, changed_attributes, differences, member_ids`;

type ChangeRowOut = Omit<ChangeRow, 'occurred_at'> & { seq: string; occurred_at_exact: string };

/** audit_changes (append-only, day-partitioned) and audit_resources (the latest state of each resource). */
export class ChangeRepository {
  constructor(private readonly db: Queryable) {}

  /** The known states of these resources, locked until the transaction ends (in key order, so no deadlock). */
  async lockStates(keys: readonly ResourceKey[]): Promise<ResourceState[]> {
    return this.db.query(
      `SELECT s.tenant_id, s.resource_type, s.resource_id, s.user_name, s.external_id, s.display_name, s.deleted, s.state,
              s.last_changed_at, s.last_event_id
       FROM audit_resources s
       JOIN jsonb_to_recordset($1::jsonb) AS k(tenant_id varchar, resource_type varchar, resource_id varchar)
         ON s.tenant_id = k.tenant_id AND s.resource_type = k.resource_type AND s.resource_id = k.resource_id
       ORDER BY s.tenant_id, s.resource_type, s.resource_id
       FOR UPDATE OF s`,
      [JSON.stringify(keys)],
    );
  }

  /** Appends changes in the given order (their `seq` follows it); a change stored before is skipped. */
  async append(changes: readonly ChangeRow[]): Promise<void> {
    await this.db.query(
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
  }

  /** Stores the latest states; a state older than the stored one (an event replayed late) is not taken. */
  async saveStates(states: readonly ResourceState[]): Promise<void> {
    if (states.length === 0) return;
    await this.db.query(
      `INSERT INTO audit_resources (tenant_id, resource_type, resource_id, user_name, external_id, display_name, deleted, state, last_changed_at, last_event_id)
       SELECT s.tenant_id, s.resource_type, s.resource_id, s.user_name, s.external_id, s.display_name, s.deleted, s.state, s.last_changed_at, s.last_event_id
       FROM jsonb_to_recordset($1::jsonb) AS s(tenant_id varchar, resource_type varchar, resource_id varchar, user_name text, external_id text,
         display_name text, deleted boolean, state jsonb, last_changed_at timestamptz, last_event_id varchar)
       ON CONFLICT (tenant_id, resource_type, resource_id) DO UPDATE SET
         user_name = EXCLUDED.user_name, external_id = EXCLUDED.external_id, display_name = EXCLUDED.display_name,
         deleted = EXCLUDED.deleted, state = EXCLUDED.state, last_changed_at = EXCLUDED.last_changed_at, last_event_id = EXCLUDED.last_event_id
       WHERE audit_resources.last_changed_at <= EXCLUDED.last_changed_at`,
      [JSON.stringify(states)],
    );
  }

  /** Newest first, `limit + 1` rows. */
  async find(filters: ChangeFilters, limit: number, cursor?: Cursor): Promise<AuditedChange[]> {
    const where = new Where();
    if (filters.tenantIds) where.add(`tenant_id = ANY(${where.param(filters.tenantIds)})`);
    if (filters.from) where.add(`occurred_at >= ${where.param(filters.from.toISOString())}`);
    if (filters.to) where.add(`occurred_at < ${where.param(filters.to.toISOString())}`);
    if (filters.resourceType) where.add(`resource_type = ${where.param(filters.resourceType)}`);
    if (filters.resourceId) where.add(`resource_id = ${where.param(filters.resourceId)}`);
    if (filters.memberId) where.add(`member_ids @> ARRAY[${where.param(filters.memberId)}]::text[]`);
    if (filters.userName) where.add(`lower(user_name) = lower(${where.param(filters.userName)})`);
    if (filters.externalId) where.add(`external_id = ${where.param(filters.externalId)}`);
    if (filters.type) where.add(`type = ${where.param(filters.type)}`);
    if (filters.correlationId) where.add(`correlation_id = ${where.param(filters.correlationId)}`);
    if (cursor) where.add(`(occurred_at, seq) < (${where.param(cursor.time)}::timestamptz, ${where.param(cursor.id)}::bigint)`);
    const rows: ChangeRowOut[] = await this.db.query(
      `SELECT ${CHANGE_COLUMNS} FROM audit_changes ${where.toString()} ORDER BY occurred_at DESC, seq DESC LIMIT ${where.param(limit + 1)}`,
      where.params,
    );
    return rows.map(changeOf);
  }

  /** Oldest first, `limit + 1` rows: the resource's own changes and, for a user, the membership changes naming it. */
  async history(tenantId: string, resourceType: AuditedResourceType, resourceId: string, limit: number, cursor?: Cursor): Promise<AuditedChange[]> {
    const params: unknown[] = [tenantId, resourceType, resourceId, limit + 1];
    const after = cursor ? `AND (occurred_at, seq) > ($5::timestamptz, $6::bigint)` : '';
    if (cursor) params.push(cursor.time, cursor.id);
    const membership =
      resourceType === 'User'
        ? `UNION ALL (SELECT ${CHANGE_COLUMNS}, occurred_at AS t FROM audit_changes WHERE tenant_id = $1 AND member_ids @> ARRAY[$3]::text[] ${after} ORDER BY occurred_at, seq LIMIT $4)`
        : '';
    const rows: ChangeRowOut[] = await this.db.query(
      `SELECT * FROM (
         (SELECT ${CHANGE_COLUMNS}, occurred_at AS t FROM audit_changes WHERE tenant_id = $1 AND resource_type = $2 AND resource_id = $3 ${after} ORDER BY occurred_at, seq LIMIT $4)
         ${membership}
       ) h ORDER BY t, seq LIMIT $4`,
      params,
    );
    return rows.map(changeOf);
  }

  async resource(tenantId: string, resourceType: AuditedResourceType, resourceId: string): Promise<AuditedResource | null> {
    const [current] = await this.resourceRows('WHERE tenant_id = $1 AND resource_type = $2 AND resource_id = $3', [tenantId, resourceType, resourceId], 1);
    return current ?? null;
  }

  /** Resources whose userName, externalId or displayName starts with `prefix` (case-insensitive), latest change first. */
  async resources(tenantIds: string[] | undefined, resourceType: AuditedResourceType | undefined, prefix: string | undefined, limit: number): Promise<AuditedResource[]> {
    const where = new Where();
    if (tenantIds) where.add(`tenant_id = ANY(${where.param(tenantIds)})`);
    if (resourceType) where.add(`resource_type = ${where.param(resourceType)}`);
    if (prefix) {
      const pattern = where.param(`${escapeLike(prefix.toLowerCase())}%`);
      where.add(`(lower(user_name) LIKE ${pattern} OR lower(external_id) LIKE ${pattern} OR lower(display_name) LIKE ${pattern} OR resource_id = ${where.param(prefix)})`);
    }
    return this.resourceRows(String(where), where.params, limit);
  }

  private async resourceRows(where: string, params: unknown[], limit: number): Promise<AuditedResource[]> {
    const rows: Array<Omit<ResourceState, 'last_changed_at' | 'last_event_id'> & { last_changed_exact: string }> = await this.db.query(
      `SELECT tenant_id, resource_type, resource_id, user_name, external_id, display_name, deleted, ${exactTime('last_changed_at')} AS last_changed_exact, state
       FROM audit_resources ${where.toString()} ORDER BY last_changed_at DESC LIMIT ${Math.trunc(limit)}`,
      params,
    );
    return rows.map((r) => ({
      tenantId: r.tenant_id,
      resourceType: r.resource_type,
      resourceId: r.resource_id,
      userName: r.user_name,
      externalId: r.external_id,
      displayName: r.display_name,
      deleted: r.deleted,
      lastChangedAt: r.last_changed_exact,
      state: r.state,
    }));
  }
}

/** The consumption sequence of a change, kept off the API's type (it only orders and pages). */
const SEQ = Symbol('seq');
type SequencedChange = AuditedChange & { [SEQ]?: string };

export function sequenceOf(c: AuditedChange): string {
  return (c as SequencedChange)[SEQ] ?? '0';
}

function changeOf(r: ChangeRowOut): AuditedChange {
  const change: SequencedChange = {
    eventId: r.event_id,
    tenantId: r.tenant_id,
    type: r.type,
    resourceType: r.resource_type,
    resourceId: r.resource_id,
    userName: r.user_name,
    externalId: r.external_id,
    displayName: r.display_name,
    occurredAt: r.occurred_at_exact,
    correlationId: r.correlation_id,
    changedAttributes: r.changed_attributes,
    differences: r.differences,
    memberIds: r.member_ids,
  };
  Object.defineProperty(change, SEQ, { value: r.seq, enumerable: false });
  return change;
}
