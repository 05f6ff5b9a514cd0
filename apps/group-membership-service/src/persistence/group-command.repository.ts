import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Topics, type GroupEvent } from '@app/contracts';
import { SqlReplyLedger } from '@app/commands';
import { appendToOutbox, claimMessages, type OutboxEntry } from '@app/messaging';
import { GROUP_COMMANDS_CONSUMER, type GroupCommandStore, type GroupCommandTransaction } from '../commands/group-command-store';
import type { MemberJson, StoredGroup } from '../groups/stored-group';
import { GROUP_ROW_COLUMNS, GroupRow, MEMBERS_SQL, MemberRow, toMember, toStoredGroup } from './group-rows';

@Injectable()
export class TypeOrmGroupCommandStore implements GroupCommandStore {
  constructor(private readonly dataSource: DataSource) {}

  inTransaction<T>(work: (tx: GroupCommandTransaction) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((manager) => work(new GroupCommandRepository(manager)));
  }
}

/**
 * SQL of the command path. Member changes are single set-based statements over arrays
 * (`unnest`, `= ANY`) that return what they changed: adding or removing 1,000 members of a
 * 100k-member group touches those 1,000 index entries and nothing else.
 */
export class GroupCommandRepository implements GroupCommandTransaction {
  readonly ledger: SqlReplyLedger;

  constructor(private readonly manager: EntityManager) {
    this.ledger = new SqlReplyLedger(manager, GROUP_COMMANDS_CONSUMER);
  }

  claim(consumer: string, messageIds: readonly string[]): Promise<Set<string>> {
    return claimMessages(this.manager, consumer, [...messageIds]);
  }

  /**
   * Locks the row: a user deletion (another consumer of another topic) may change the group's
   * memberships and version concurrently; the lock orders the two so no version is reused.
   */
  async findGroup(tenantId: string, id: string): Promise<StoredGroup | undefined> {
    const rows: GroupRow[] = await this.manager.query(`SELECT ${GROUP_ROW_COLUMNS} FROM groups g WHERE g.tenant_id = $1 AND g.id = $2 FOR UPDATE`, [tenantId, id]);
    return rows.length > 0 ? toStoredGroup(rows[0]) : undefined;
  }

  async managedGroupNamed(tenantId: string, displayName: string, exceptId?: string): Promise<string | undefined> {
    const rows = returnedIds(
      await this.manager.query(`SELECT id::text AS id FROM groups WHERE tenant_id = $1 AND managed AND lower(display_name) = lower($2) AND ($3::uuid IS NULL OR id <> $3::uuid)`, [
        tenantId,
        displayName,
        exceptId ?? null,
      ]),
    );
    return rows[0];
  }

  async insertGroup(group: StoredGroup): Promise<void> {
    await this.manager.query(
      `INSERT INTO groups (tenant_id, id, display_name, external_id, managed, resource, version, created_at, last_modified)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [group.tenantId, group.id, group.resource.displayName, externalIdOf(group), group.managed, group.resource, group.version, group.created, group.lastModified],
    );
  }

  async updateGroup(group: StoredGroup): Promise<void> {
    await this.manager.query(`UPDATE groups SET display_name = $3, external_id = $4, resource = $5, version = $6, last_modified = $7 WHERE tenant_id = $1 AND id = $2`, [
      group.tenantId,
      group.id,
      group.resource.displayName,
      externalIdOf(group),
      group.resource,
      group.version,
      group.lastModified,
    ]);
  }

  async deleteGroup(tenantId: string, id: string): Promise<void> {
    await this.manager.query('DELETE FROM groups WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
  }

  async groupIdsAmong(tenantId: string, ids: readonly string[]): Promise<string[]> {
    const rows = returnedIds(await this.manager.query('SELECT id::text AS id FROM groups WHERE tenant_id = $1 AND id = ANY($2::uuid[])', [tenantId, [...ids]]));
    return rows;
  }

  /**
   * Registers the ids in known_users (a placeholder row until the user's event arrives) and
   * reads them locked. This orders an add against a concurrent user deletion: if the deletion's
   * transaction wrote the row first, the insert / FOR SHARE waits for it to commit and then sees
   * `deleted`; if the add wrote it first, the deletion waits for the add to commit, and its
   * membership DELETE (a later statement) then removes the new membership too.
   */
  async unknownUsersAmong(tenantId: string, ids: readonly string[]): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.manager.query(
      `SELECT u::text AS id FROM unnest($2::uuid[]) AS u
       WHERE NOT EXISTS (SELECT 1 FROM known_users k WHERE k.tenant_id = $1 AND k.user_id = u)`,
      [tenantId, [...ids]],
    );
    return rows.map((r) => r.id);
  }

  async deletedUsersAmong(tenantId: string, ids: readonly string[]): Promise<string[]> {
    await this.manager.query(`INSERT INTO known_users (tenant_id, user_id) SELECT $1, u FROM unnest($2::uuid[]) AS u ORDER BY u ON CONFLICT DO NOTHING`, [tenantId, [...ids]]);
    const rows: Array<{ id: string }> = await this.manager.query(
      'SELECT user_id::text AS id, deleted FROM known_users WHERE tenant_id = $1 AND user_id = ANY($2::uuid[]) ORDER BY user_id FOR SHARE',
      [tenantId, [...ids]],
    );
    return (rows as Array<{ id: string; deleted: boolean }>).filter((r) => r.deleted).map((r) => r.id);
  }

  async addMembers(tenantId: string, groupId: string, ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = returnedIds(
      await this.manager.query(
        `INSERT INTO memberships (tenant_id, group_id, member_id)
       SELECT $1, $2, m FROM unnest($3::uuid[]) AS m
       ON CONFLICT DO NOTHING
       RETURNING member_id::text AS id`,
        [tenantId, groupId, [...ids]],
      ),
    );
    return rows;
  }

  async removeMembers(tenantId: string, groupId: string, ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = returnedIds(
      await this.manager.query('DELETE FROM memberships WHERE tenant_id = $1 AND group_id = $2 AND member_id = ANY($3::uuid[]) RETURNING member_id::text AS id', [
        tenantId,
        groupId,
        [...ids],
      ]),
    );
    return rows;
  }

  async membersAmong(tenantId: string, groupId: string, ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows: Array<{ id: string }> = await this.manager.query(
      'SELECT member_id::text AS id FROM memberships WHERE tenant_id = $1 AND group_id = $2 AND member_id = ANY($3::uuid[])',
      [tenantId, groupId, [...ids]],
    );
    return rows.map((r) => r.id);
  }

  async removeAllMembers(tenantId: string, groupId: string): Promise<string[]> {
    const rows = returnedIds(await this.manager.query('DELETE FROM memberships WHERE tenant_id = $1 AND group_id = $2 RETURNING member_id::text AS id', [tenantId, groupId]));
    return rows;
  }

  async removeMembersExcept(tenantId: string, groupId: string, keep: readonly string[]): Promise<string[]> {
    const rows = returnedIds(
      await this.manager.query('DELETE FROM memberships WHERE tenant_id = $1 AND group_id = $2 AND NOT (member_id = ANY($3::uuid[])) RETURNING member_id::text AS id', [
        tenantId,
        groupId,
        [...keep],
      ]),
    );
    return rows;
  }

  async membersOf(tenantId: string, groupId: string): Promise<MemberJson[]> {
    const rows: MemberRow[] = await this.manager.query(MEMBERS_SQL, [tenantId, [groupId]]);
    return rows.map(toMember);
  }

  async appendEvents(events: readonly OutboxEntry<GroupEvent>[]): Promise<void> {
    if (events.length === 0) return;
    await appendToOutbox(this.manager, Topics.groupEvents, [...events]);
  }

  /** A user id is never reused, so once deleted it stays deleted whatever arrives later. */
  async upsertKnownUser(tenantId: string, userId: string, displayName: string | undefined, deleted: boolean): Promise<void> {
    await this.manager.query(
      `INSERT INTO known_users (tenant_id, user_id, display_name, deleted) VALUES ($1, $2, $3, $4)
       ON CONFLICT (tenant_id, user_id) DO UPDATE SET display_name = COALESCE(EXCLUDED.display_name, known_users.display_name),
         deleted = known_users.deleted OR EXCLUDED.deleted`,
      [tenantId, userId, displayName ?? null, deleted],
    );
  }

  async removeUserFromAllGroups(tenantId: string, userId: string, now: string): Promise<string[]> {
    // Group rows first, in id order, as a command does (it reads its group FOR UPDATE before
    // touching memberships): the two paths lock in the same order and cannot deadlock.
    await this.manager.query(
      `SELECT g.id FROM groups g WHERE g.tenant_id = $1
         AND g.id IN (SELECT m.group_id FROM memberships m WHERE m.tenant_id = $1 AND m.member_id = $2)
       ORDER BY g.id FOR UPDATE`,
      [tenantId, userId],
    );
    const rows = returnedIds(
      await this.manager.query(
        `WITH removed AS (
         DELETE FROM memberships WHERE tenant_id = $1 AND member_id = $2 RETURNING group_id
       )
       UPDATE groups g SET version = g.version + 1, last_modified = $3,
         resource = jsonb_set(g.resource, '{meta}', (g.resource -> 'meta') || jsonb_build_object('version', 'W/"' || (g.version + 1) || '"', 'lastModified', $4::text))
       FROM removed r WHERE g.tenant_id = $1 AND g.id = r.group_id
       RETURNING g.id::text AS id`,
        [tenantId, userId, now, now],
      ),
    );
    return rows;
  }
}

function externalIdOf(group: StoredGroup): string | null {
  return typeof group.resource.externalId === 'string' ? group.resource.externalId : null;
}

/**
 * The ids a statement returned. TypeORM's Postgres driver answers UPDATE and DELETE with
 * `[rows, affectedCount]` but SELECT and INSERT with the rows alone.
 */
function returnedIds(result: unknown): string[] {
  const rows = Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number' ? result[0] : result;
  return (rows as Array<{ id: string }>).map((r) => r.id);
}
