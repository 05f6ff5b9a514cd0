import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { FilterExpression, SortSpec } from '@app/scim';
import type { StoredUser } from '../users/stored-user';
import { filterToSql } from './filter-sql';
import { sortToSql } from './sort-sql';
import { snapshotRead, SqlParams } from '@app/persistence';
import { toStoredUser, USER_ROW_COLUMNS, UserRow } from './user-rows';

export interface UserPageQuery {
  /** Validated (annotated) filter; absent means every user of the tenant. */
  filter?: FilterExpression;
  sort?: SortSpec;
  offset: number;
  limit: number;
}

/** The WHERE clause for a tenant's users matching a filter; `$1` is the tenant. */
export function userSelection(tenantId: string, filter: FilterExpression | undefined): { where: string; params: SqlParams } {
  const params = new SqlParams([tenantId]);
  const condition = filter === undefined ? undefined : filterToSql(filter, params);
  return { where: condition === undefined ? 'u.tenant_id = $1' : `u.tenant_id = $1 AND ${condition}`, params };
}

@Injectable()
export class UsersQueryRepository {
  constructor(private readonly dataSource: DataSource) {}

  async findById(tenantId: string, id: string): Promise<StoredUser | undefined> {
    const rows: UserRow[] = await this.dataSource.query(`SELECT ${USER_ROW_COLUMNS} FROM users u WHERE u.tenant_id = $1 AND u.id = $2`, [tenantId, id]);
    return rows.length > 0 ? toStoredUser(rows[0]) : undefined;
  }

  async existingIds(tenantId: string, ids: readonly string[]): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.dataSource.query('SELECT id::text AS id FROM users WHERE tenant_id = $1 AND id = ANY($2::uuid[])', [tenantId, [...ids]]);
    return rows.map((r) => r.id);
  }

  /** The total and one page, from one snapshot so that they agree. */
  async findPage(tenantId: string, query: UserPageQuery): Promise<{ total: number; users: StoredUser[] }> {
    const { where, params } = userSelection(tenantId, query.filter);
    // Cancelled at once when the gateway that asked is gone (docs/security.md).
    return snapshotRead(this.dataSource, async (manager) => {
      const [{ total }]: Array<{ total: number }> = await manager.query(`SELECT count(*)::int AS total FROM users u WHERE ${where}`, params.values);
      if (total === 0 || query.limit === 0 || query.offset >= total) return { total, users: [] };
      const limit = params.add(query.limit, 'int');
      const offset = params.add(query.offset, 'int');
      const rows: UserRow[] = await manager.query(
        `SELECT ${USER_ROW_COLUMNS} FROM users u WHERE ${where} ORDER BY ${sortToSql(query.sort)} LIMIT ${limit} OFFSET ${offset}`,
        params.values,
      );
      return { total, users: rows.map(toStoredUser) };
    });
  }
}
