import type { DataSource, EntityManager } from 'typeorm';
import type { CommandReply } from '@app/contracts';
import { claimMessages } from '@app/messaging';

/** A command as the ledger knows it: its tenant and id. */
export interface CommandKey {
  tenantId: string;
  commandId: string;
}

/**
 * The owning service's record of what it decided, inside its transaction: which command ids it
 * has taken (claims, in processed_messages, kept as long as the command topic), and the reply of
 * each (command_replies, kept COMMAND_REPLY_RETENTION_MS), so a redelivered command is answered
 * with its stored decision instead of being decided again.
 */
export interface ReplyLedger {
  /** The ids among these not taken before, now taken (by this transaction). */
  claim(commands: readonly CommandKey[]): Promise<Set<string>>;
  storedReplies(commands: readonly CommandKey[]): Promise<Map<string, CommandReply>>;
  saveReplies(replies: readonly CommandReply[]): Promise<void>;
}

/** The ledger's SQL, one set-based statement each, for a service's transaction. */
export class SqlReplyLedger implements ReplyLedger {
  constructor(
    private readonly manager: EntityManager,
    /** The consumer name the claims are recorded under. */
    private readonly consumer: string,
  ) {}

  claim(commands: readonly CommandKey[]): Promise<Set<string>> {
    return claimMessages(
      this.manager,
      this.consumer,
      commands.map((c) => c.commandId),
    );
  }

  async storedReplies(commands: readonly CommandKey[]): Promise<Map<string, CommandReply>> {
    if (commands.length === 0) return new Map();
    const rows: Array<{ command_id: string; reply: CommandReply }> = await this.manager.query(
      `SELECT r.command_id, r.reply FROM command_replies r
       JOIN unnest($1::varchar[], $2::varchar[]) AS k(tenant_id, command_id)
         ON r.tenant_id = k.tenant_id AND r.command_id = k.command_id`,
      [commands.map((c) => c.tenantId), commands.map((c) => c.commandId)],
    );
    return new Map(rows.map((r) => [r.command_id, r.reply]));
  }

  async saveReplies(replies: readonly CommandReply[]): Promise<void> {
    if (replies.length === 0) return;
    // One JSON document for the batch: no per-element array escaping in the driver.
    await this.manager.query(
      `INSERT INTO command_replies (command_id, tenant_id, reply)
       SELECT r->>'commandId', r->>'tenantId', r FROM jsonb_array_elements($1::jsonb) AS r`,
      [JSON.stringify(replies)],
    );
  }
}

const ROWS_PER_DELETE = 10_000;

/** Cross-tenant housekeeping (the one statement here not scoped to a tenant, on purpose): deletes expired replies in chunks. */
export async function pruneCommandReplies(dataSource: DataSource, retentionMs: number): Promise<number> {
  let total = 0;
  for (;;) {
    const [, deleted]: [unknown, number] = await dataSource.query(
      `DELETE FROM command_replies WHERE command_id IN (
         SELECT command_id FROM command_replies
         WHERE created_at < now() - ($1::bigint * interval '1 millisecond') LIMIT ${ROWS_PER_DELETE})`,
      [retentionMs],
    );
    total += deleted;
    if (deleted < ROWS_PER_DELETE) return total;
  }
}

/** The command_replies table, as both owning services' migrations create it (its index serves retention). */
export const COMMAND_REPLIES_TABLE_SQL = [
  `CREATE TABLE command_replies (
      command_id varchar(200) NOT NULL,
      tenant_id varchar(200) NOT NULL,
      reply jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "PK_command_replies" PRIMARY KEY (command_id)
    )`,
  'CREATE INDEX command_replies_created_at_idx ON command_replies (created_at)',
] as const;
