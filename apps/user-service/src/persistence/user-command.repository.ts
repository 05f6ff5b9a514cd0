import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Topics, type UserEvent } from '@app/contracts';
import { SqlReplyLedger } from '@app/commands';
import { appendToOutbox, type OutboxEntry } from '@app/messaging';
import { ExtensionValue, UserChanges, UserCommandStore, UserCommandTransaction, UserLookup, UserNameTaken } from '../commands/user-command-store';
import type { StoredUser } from '../users/stored-user';
import { toStoredUser, USER_COLUMNS_UNNEST, USER_ROW_COLUMNS, userColumnArrays, UserRow } from './user-rows';

/** The consumer name the processed command ids are recorded under. */
export const USER_COMMANDS_CONSUMER = 'user-service.user-commands';
const USER_NAME_INDEX = 'users_tenant_user_name_key';

/** $1/$2: tenant and id pairs; $3/$4: tenant and userName pairs. Exported for plan tests. */
export const LOAD_USERS_SQL = `SELECT ${USER_ROW_COLUMNS} FROM users u
  JOIN unnest($1::varchar[], $2::uuid[]) AS k(tenant_id, id) ON u.tenant_id = k.tenant_id AND u.id = k.id
  UNION ALL
  SELECT ${USER_ROW_COLUMNS} FROM users u
  JOIN unnest($3::varchar[], $4::text[]) AS n(tenant_id, user_name)
    ON u.tenant_id = n.tenant_id AND lower(u.user_name) = lower(n.user_name)`;

@Injectable()
export class TypeOrmUserCommandStore implements UserCommandStore {
  constructor(private readonly dataSource: DataSource) {}

  inTransaction<T>(work: (tx: UserCommandTransaction) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((manager) => work(new UserCommandRepository(manager)));
  }
}

/**
 * SQL of the command path. Every statement is set-based (arrays through `unnest`), so a batch
 * costs the same handful of round trips whether it holds one command or a thousand.
 */
export class UserCommandRepository implements UserCommandTransaction {
  readonly ledger: SqlReplyLedger;

  constructor(private readonly manager: EntityManager) {
    this.ledger = new SqlReplyLedger(manager, USER_COMMANDS_CONSUMER);
  }

  /**
   * One statement for the whole batch: users by (tenant, id) through the primary key and by
   * (tenant, lower(userName)) through the unique index. No row locks: a tenant's commands are
   * applied by one consumer at a time, and a second one (after a rebalance) first waits on
   * the command claims of the first, so it reads after the first committed.
   */
  async loadUsers(lookups: readonly UserLookup[]): Promise<StoredUser[]> {
    const ids = lookups.flatMap((l) => l.ids.map((id) => [l.tenantId, id] as const));
    const names = lookups.flatMap((l) => l.userNames.map((name) => [l.tenantId, name] as const));
    const rows: UserRow[] = await this.manager.query(LOAD_USERS_SQL, [ids.map((i) => i[0]), ids.map((i) => i[1]), names.map((n) => n[0]), names.map((n) => n[1])]);
    const unique = new Map(rows.map((r) => [`${r.tenant_id}\u0000${r.id}`, r]));
    return [...unique.values()].map(toStoredUser);
  }

  async findByUserName(tenantId: string, userName: string): Promise<StoredUser | undefined> {
    const rows: UserRow[] = await this.manager.query(`SELECT ${USER_ROW_COLUMNS} FROM users u WHERE u.tenant_id = $1 AND lower(u.user_name) = lower($2)`, [tenantId, userName]);
    return rows.length > 0 ? toStoredUser(rows[0]) : undefined;
  }

  async idsWithExtensionValue(tenantId: string, value: ExtensionValue, limit: number): Promise<string[]> {
    const text = `(u.resource -> $2::text ->> $3::text)`;
    const rows: Array<{ id: string }> = await this.manager.query(
      `SELECT u.id::text AS id FROM users u WHERE u.tenant_id = $1 AND ${value.caseExact ? `${text} = $4` : `lower(${text}) = lower($4)`} LIMIT $5`,
      [tenantId, value.schemaUrn, value.name, String(value.value), limit],
    );
    return rows.map((r) => r.id);
  }

  /**
   * Deletes, then updates, then inserts: a userName freed in the batch can be taken in it.
   * Postgres checks the unique index row by row, so userNames swapped between users within
   * one batch can clash mid-statement; that batch then fails and is retried command by command.
   */
  async saveUsers(changes: UserChanges, options: { recoverable: boolean }): Promise<void> {
    if (changes.inserted.length + changes.updated.length + changes.deleted.length === 0) return;
    // Inserts skip a taken userName instead of failing, so only deletes and updates need a
    // savepoint to be undone (and a single create, the common small batch, needs none).
    const savepoint = options.recoverable && changes.deleted.length + changes.updated.length > 0;
    if (savepoint) await this.manager.query('SAVEPOINT save_users');
    try {
      if (changes.deleted.length > 0) {
        await this.manager.query(
          `DELETE FROM users u USING unnest($1::varchar[], $2::uuid[]) AS k(tenant_id, id)
           WHERE u.tenant_id = k.tenant_id AND u.id = k.id`,
          [changes.deleted.map((d) => d.tenantId), changes.deleted.map((d) => d.id)],
        );
      }
      if (changes.updated.length > 0) {
        await this.manager.query(
          `UPDATE users u SET user_name = v.user_name, external_id = v.external_id, display_name = v.display_name,
             active = v.active, resource = v.resource, version = v.version, last_modified = v.last_modified
           FROM ${USER_COLUMNS_UNNEST}
           WHERE u.tenant_id = v.tenant_id AND u.id = v.id`,
          userColumnArrays(changes.updated),
        );
      }
      if (changes.inserted.length > 0) {
        const inserted: unknown[] = await this.manager.query(
          `INSERT INTO users (tenant_id, id, user_name, external_id, display_name, active, resource, version, created_at, last_modified)
           SELECT * FROM ${USER_COLUMNS_UNNEST}
           ON CONFLICT (tenant_id, lower(user_name)) DO NOTHING
           RETURNING id`,
          userColumnArrays(changes.inserted),
        );
        if (inserted.length < changes.inserted.length) throw new UserNameTaken('userName is already in use');
      }
    } catch (err) {
      if (!(err instanceof UserNameTaken) && !isUniqueViolation(err, USER_NAME_INDEX)) throw err;
      if (savepoint) await this.manager.query('ROLLBACK TO SAVEPOINT save_users');
      throw err instanceof UserNameTaken ? err : new UserNameTaken('userName is already in use');
    }
    if (savepoint) await this.manager.query('RELEASE SAVEPOINT save_users');
  }

  appendEvents(events: readonly OutboxEntry<UserEvent>[]): Promise<void> {
    return appendToOutbox(this.manager, Topics.userEvents, [...events]);
  }
}

function isUniqueViolation(err: unknown, index: string): boolean {
  const e = err as { code?: string; constraint?: string; driverError?: { code?: string; constraint?: string } };
  const code = e.code ?? e.driverError?.code;
  const constraint = e.constraint ?? e.driverError?.constraint;
  return code === '23505' && constraint === index;
}
