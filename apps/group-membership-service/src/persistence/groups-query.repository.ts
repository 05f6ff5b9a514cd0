import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { FilterExpression, SortSpec } from '@app/scim';
import type { MemberJson, StoredGroup } from '../groups/stored-group';
import { snapshotRead, SqlParams } from '@app/persistence';
import { groupFilterToSql, groupSortToSql } from './group-filter-sql';
import { GROUP_ROW_COLUMNS, GroupRow, MEMBERS_SQL, MemberRow, toMember, toStoredGroup } from './group-rows';

export interface GroupPageQuery {
  filter?: FilterExpression;
  sort?: SortSpec;
  managedOnly: boolean;
  offset: number;
  limit: number;
}

/** The WHERE clause for a tenant's groups (only managed ones under managedResources); `$1` is the tenant. */
export function groupSelection(tenantId: string, filter: FilterExpression | undefined, managedOnly: boolean): { where: string; params: SqlParams } {
  const params = new SqlParams([tenantId]);
  const scope = managedOnly ? 'g.tenant_id = $1 AND g.managed' : 'g.tenant_id = $1';
  return { where: filter === undefined ? scope : `${scope} AND ${groupFilterToSql(filter, params)}`, params };
}

@Injectable()
export class GroupsQueryRepository {
  constructor(private readonly dataSource: DataSource) {}

  async findById(tenantId: string, id: string, managedOnly: boolean): Promise<StoredGroup | undefined> {
    const rows: GroupRow[] = await this.dataSource.query(`SELECT ${GROUP_ROW_COLUMNS} FROM groups g WHERE g.tenant_id = $1 AND g.id = $2${managedOnly ? ' AND g.managed' : ''}`, [
      tenantId,
      id,
    ]);
    return rows.length > 0 ? toStoredGroup(rows[0]) : undefined;
  }

  /** Members of these groups, by group id; only called when the client did not exclude members. */
  async membersOf(tenantId: string, groupIds: readonly string[]): Promise<Map<string, MemberJson[]>> {
    const byGroup = new Map<string, MemberJson[]>(groupIds.map((id) => [id, []]));
    if (groupIds.length === 0) return byGroup;
    const rows: MemberRow[] = await this.dataSource.query(MEMBERS_SQL, [tenantId, [...groupIds]]);
    for (const row of rows) byGroup.get(row.group_id)?.push(toMember(row));
    return byGroup;
  }

  async findPage(tenantId: string, query: GroupPageQuery): Promise<{ total: number; groups: StoredGroup[] }> {
    const { where, params } = groupSelection(tenantId, query.filter, query.managedOnly);
    // Cancelled at once when the gateway that asked is gone (docs/security.md).
    return snapshotRead(this.dataSource, async (manager) => {
      const [{ total }]: Array<{ total: number }> = await manager.query(`SELECT count(*)::int AS total FROM groups g WHERE ${where}`, params.values);
      if (total === 0 || query.limit === 0 || query.offset >= total) return { total, groups: [] };
      const limit = params.add(query.limit, 'int');
      const offset = params.add(query.offset, 'int');
      const rows: GroupRow[] = await manager.query(
        `SELECT ${GROUP_ROW_COLUMNS} FROM groups g WHERE ${where} ORDER BY ${groupSortToSql(query.sort)} LIMIT ${limit} OFFSET ${offset}`,
        params.values,
      );
      return { total, groups: rows.map(toStoredGroup) };
    });
  }

  /** The groups of several users at once (a page of GET /Users), one index-backed query. */
  async groupsOfUsers(tenantId: string, userIds: readonly string[], managedOnly: boolean): Promise<Map<string, Array<{ value: string; display: string }>>> {
    const byUser = new Map<string, Array<{ value: string; display: string }>>(userIds.map((id) => [id, []]));
    if (userIds.length === 0) return byUser;
    const rows: Array<{ member_id: string; value: string; display: string }> = await this.dataSource.query(
      `SELECT m.member_id::text AS member_id, g.id::text AS value, g.display_name AS display FROM memberships m
       JOIN groups g ON g.tenant_id = m.tenant_id AND g.id = m.group_id
       WHERE m.tenant_id = $1 AND m.member_id = ANY($2::uuid[])${managedOnly ? ' AND g.managed' : ''}
       ORDER BY g.display_name`,
      [tenantId, [...userIds]],
    );
    for (const row of rows) byUser.get(row.member_id)?.push({ value: row.value, display: row.display });
    return byUser;
  }
}
