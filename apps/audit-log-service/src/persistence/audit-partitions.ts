import type { DataSource } from 'typeorm';

/** The two time-partitioned log tables and the column each is partitioned by. */
export const PARTITIONED_TABLES = ['audit_requests', 'audit_changes'] as const;
export type PartitionedTable = (typeof PARTITIONED_TABLES)[number];

const DAY_MS = 86_400_000;
const PARTITION_NAME = /^(audit_requests|audit_changes)_p(\d{4})(\d{2})(\d{2})$/;
/** Any number; only its collision with other users of advisory locks on this database matters. */
const PARTITION_DDL_LOCK = 0x6175_6469; // "audi"
/**
 * Creating or dropping a partition takes an exclusive lock on the parent table. Queued behind a
 * long query it would stall every insert and read queued after it; it gives up after this instead
 * (creation is retried with the batch, a drop at the next run).
 */
const DDL_LOCK_TIMEOUT = '3s';

/** The UTC day (midnight, epoch ms) an instant falls in. */
export function dayOf(instant: Date | number): number {
  const t = typeof instant === 'number' ? instant : instant.getTime();
  return Math.floor(t / DAY_MS) * DAY_MS;
}

export function partitionName(table: PartitionedTable, day: number): string {
  return `${table}_p${new Date(day).toISOString().slice(0, 10).replace(/-/g, '')}`;
}

/**
 * Daily partitions of the log tables: created ahead of time and on demand (an event may be
 * hours late), dropped once a whole day is past the retention period. DDL runs in short
 * transactions of its own under an advisory lock, so two instances never race on a partition.
 */
export class AuditPartitions {
  private readonly known = new Set<string>();

  constructor(private readonly dataSource: DataSource) {}

  /** Makes sure the partitions holding these instants exist. */
  async ensureFor(table: PartitionedTable, instants: Iterable<Date>): Promise<void> {
    const missing = new Set<number>();
    for (const instant of instants) {
      const day = dayOf(instant);
      if (!this.known.has(partitionName(table, day))) missing.add(day);
    }
    for (const day of missing) await this.create(table, day);
  }

  /** Today's partitions and the next `daysAhead` days', for both tables. */
  async ensureAhead(now: Date, daysAhead: number): Promise<void> {
    const today = dayOf(now);
    for (const table of PARTITIONED_TABLES) {
      for (let i = 0; i <= daysAhead; i++) await this.create(table, today + i * DAY_MS);
    }
  }

  /**
   * Drops every partition whose whole day ended before `now - retentionDays` and returns their
   * names. A partition that ends exactly at the cut-off still goes: nothing in it is younger.
   */
  async dropExpired(now: Date, retentionDays: number): Promise<string[]> {
    const cutoff = now.getTime() - retentionDays * DAY_MS;
    const dropped: string[] = [];
    for (const name of await this.existing()) {
      const match = PARTITION_NAME.exec(name);
      if (!match) continue;
      const day = Date.UTC(Number(match[2]), Number(match[3]) - 1, Number(match[4]));
      if (day + DAY_MS > cutoff) continue;
      await this.dataSource.transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock($1)', [PARTITION_DDL_LOCK]);
        await tx.query(`SET LOCAL lock_timeout = '${DDL_LOCK_TIMEOUT}'`);
        await tx.query(`DROP TABLE IF EXISTS "${name}"`);
      });
      this.known.delete(name);
      dropped.push(name);
    }
    return dropped;
  }

  /** Names of the existing partitions of the log tables, oldest first. */
  async existing(): Promise<string[]> {
    const rows: Array<{ name: string }> = await this.dataSource.query(
      `SELECT c.relname AS name FROM pg_inherits i
         JOIN pg_class c ON c.oid = i.inhrelid
         JOIN pg_class p ON p.oid = i.inhparent
         JOIN pg_namespace n ON n.oid = p.relnamespace
        WHERE p.relname = ANY($1) AND n.nspname = current_schema()
        ORDER BY c.relname`,
      [[...PARTITIONED_TABLES]],
    );
    return rows.map((r) => r.name).sort((a, b) => a.slice(-8).localeCompare(b.slice(-8)) || a.localeCompare(b));
  }

  private async create(table: PartitionedTable, day: number): Promise<void> {
    const name = partitionName(table, day);
    if (this.known.has(name)) return;
    const from = new Date(day).toISOString();
    const to = new Date(day + DAY_MS).toISOString();
    await this.dataSource.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [PARTITION_DDL_LOCK]);
      await tx.query(`SET LOCAL lock_timeout = '${DDL_LOCK_TIMEOUT}'`);
      await tx.query(`CREATE TABLE IF NOT EXISTS "${name}" PARTITION OF ${table} FOR VALUES FROM ('${from}') TO ('${to}')`);
    });
    this.known.add(name);
  }
}
