import type { DeadLetter, DeadLetterReplay } from '@app/contracts';
import { showValue, type CollectedDeadLetter } from '../domain/dead-letter';
import type { Cursor } from '../query/cursor';
import { exactTime, Where, type Queryable } from './sql';

/** How much of a value a list shows; GET of one dead letter shows it whole. */
export const LIST_VALUE_LIMIT = 2048;

export interface DeadLetterFilters {
  topic?: string;
  tenantId?: string;
  from?: Date;
  to?: Date;
  replayed?: boolean;
}

/** A dead letter as stored, with its raw bytes (for a replay). */
export interface StoredDeadLetter {
  id: string;
  originalTopic: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

export interface NewReplay {
  deadLetterId: string;
  replayedBy: string;
  reason: string | null;
  topic: string;
  partition: number;
  offset: string;
}

interface DeadLetterRow {
  id: string;
  dlt_topic: string;
  dlt_partition: number;
  dlt_offset: string;
  original_topic: string;
  original_partition: number | null;
  original_offset: string | null;
  consumer_group: string | null;
  tenant_id: string | null;
  message_id: string | null;
  message_key: Buffer | null;
  message_value: Buffer | null;
  headers: Record<string, string>;
  error: string;
  error_kind: string | null;
  attempts: number | null;
  failed_at: string;
  replay_count: number;
  last_replayed_at: string | null;
}

const COLUMNS = `id::text, dlt_topic, dlt_partition, dlt_offset::text, original_topic, original_partition, original_offset::text, consumer_group,
  tenant_id, message_id, message_key, message_value, headers, error, error_kind, attempts, ${exactTime('failed_at')} AS failed_at, replay_count,
  ${exactTime('last_replayed_at')} AS last_replayed_at`;

/** audit_dead_letters and audit_dead_letter_replays. */
export class DeadLetterRepository {
  constructor(private readonly db: Queryable) {}

  /** Stores dead-letter records; one already stored (same dead-letter coordinates) is left as it is. */
  async insert(letters: readonly CollectedDeadLetter[]): Promise<number> {
    if (letters.length === 0) return 0;
    const column = <T>(pick: (l: CollectedDeadLetter) => T) => letters.map(pick);
    const result: unknown = await this.db.query(
      `INSERT INTO audit_dead_letters (dlt_topic, dlt_partition, dlt_offset, original_topic, original_partition, original_offset, consumer_group,
         tenant_id, message_id, message_key, message_value, headers, error, error_kind, attempts, failed_at)
       SELECT * FROM unnest($1::varchar[], $2::int[], $3::bigint[], $4::varchar[], $5::int[], $6::bigint[], $7::varchar[],
         $8::varchar[], $9::varchar[], $10::bytea[], $11::bytea[], $12::jsonb[], $13::text[], $14::varchar[], $15::int[], $16::timestamptz[])
       ON CONFLICT (dlt_topic, dlt_partition, dlt_offset) DO NOTHING`,
      [
        column((l) => l.dltTopic),
        column((l) => l.dltPartition),
        column((l) => l.dltOffset),
        column((l) => l.originalTopic),
        column((l) => l.originalPartition),
        column((l) => l.originalOffset),
        column((l) => l.consumerGroup),
        column((l) => l.tenantId),
        column((l) => l.messageId),
        column((l) => l.key),
        column((l) => l.value),
        column((l) => JSON.stringify(l.headers)),
        column((l) => l.error),
        column((l) => l.errorKind),
        column((l) => l.attempts),
        column((l) => l.failedAt.toISOString()),
      ],
    );
    return Array.isArray(result) && typeof result[1] === 'number' ? result[1] : 0;
  }

  /** Newest first, `limit + 1` rows; values cut to LIST_VALUE_LIMIT characters. */
  async find(filters: DeadLetterFilters, limit: number, cursor?: Cursor): Promise<DeadLetter[]> {
    const where = new Where();
    if (filters.topic !== undefined) where.add(`original_topic = ${where.param(filters.topic)}`);
    if (filters.tenantId !== undefined) where.add(`tenant_id = ${where.param(filters.tenantId)}`);
    if (filters.from) where.add(`failed_at >= ${where.param(filters.from.toISOString())}`);
    if (filters.to) where.add(`failed_at < ${where.param(filters.to.toISOString())}`);
    if (filters.replayed !== undefined) where.add(filters.replayed ? 'replay_count > 0' : 'replay_count = 0');
    if (cursor) where.add(`(failed_at, id) < (${where.param(cursor.time)}::timestamptz, ${where.param(cursor.id)}::bigint)`);
    const rows: DeadLetterRow[] = await this.db.query(
      `SELECT ${COLUMNS} FROM audit_dead_letters ${where.toString()} ORDER BY failed_at DESC, id DESC LIMIT ${where.param(limit + 1)}`,
      where.params,
    );
    return rows.map((r) => toDeadLetter(r, LIST_VALUE_LIMIT));
  }

  async get(id: string): Promise<DeadLetter | undefined> {
    const rows: DeadLetterRow[] = await this.db.query(`SELECT ${COLUMNS} FROM audit_dead_letters WHERE id = $1`, [id]);
    return rows[0] ? toDeadLetter(rows[0]) : undefined;
  }

  /** The raw messages of these ids (for a replay), in no particular order. */
  async raw(ids: readonly string[]): Promise<StoredDeadLetter[]> {
    const rows: DeadLetterRow[] = await this.db.query(`SELECT ${COLUMNS} FROM audit_dead_letters WHERE id = ANY($1::bigint[])`, [[...ids]]);
    return rows.map((r) => ({ id: r.id, originalTopic: r.original_topic, key: r.message_key, value: r.message_value, headers: r.headers }));
  }

  async replaysOf(id: string): Promise<DeadLetterReplay[]> {
    const rows: ReplayRow[] = await this.db.query(`SELECT ${REPLAY_COLUMNS} FROM audit_dead_letter_replays WHERE dead_letter_id = $1 ORDER BY id LIMIT 1000`, [id]);
    return rows.map(toReplay);
  }

  /** Records replays that happened and counts them on their dead letters. */
  async recordReplays(replays: readonly NewReplay[]): Promise<DeadLetterReplay[]> {
    if (replays.length === 0) return [];
    const rows: ReplayRow[] = await this.db.query(
      `WITH inserted AS (
         INSERT INTO audit_dead_letter_replays (dead_letter_id, replayed_by, reason, topic, kafka_partition, kafka_offset)
         SELECT * FROM unnest($1::bigint[], $2::varchar[], $3::varchar[], $4::varchar[], $5::int[], $6::bigint[])
         RETURNING *
       ), counted AS (
         UPDATE audit_dead_letters d SET replay_count = d.replay_count + c.n, last_replayed_at = c.at
         FROM (SELECT dead_letter_id, count(*)::int AS n, max(replayed_at) AS at FROM inserted GROUP BY dead_letter_id) c
         WHERE d.id = c.dead_letter_id
       )
       SELECT ${REPLAY_COLUMNS} FROM inserted ORDER BY id`,
      [
        replays.map((r) => r.deadLetterId),
        replays.map((r) => r.replayedBy),
        replays.map((r) => r.reason),
        replays.map((r) => r.topic),
        replays.map((r) => r.partition),
        replays.map((r) => r.offset),
      ],
    );
    return rows.map(toReplay);
  }

  /** Retention: dead letters (and their replays) that failed before the cutoff. */
  async deleteBefore(cutoff: Date): Promise<number> {
    const [, count]: [unknown, number] = await this.db.query('DELETE FROM audit_dead_letters WHERE failed_at < $1', [cutoff.toISOString()]);
    return count ?? 0;
  }
}

interface ReplayRow {
  id: string;
  dead_letter_id: string;
  replayed_at: string;
  replayed_by: string;
  reason: string | null;
  topic: string;
  kafka_partition: number;
  kafka_offset: string;
}

const REPLAY_COLUMNS = `id::text, dead_letter_id::text, ${exactTime('replayed_at')} AS replayed_at, replayed_by, reason, topic, kafka_partition, kafka_offset::text`;

function toReplay(r: ReplayRow): DeadLetterReplay {
  return {
    id: r.id,
    deadLetterId: r.dead_letter_id,
    replayedAt: r.replayed_at,
    replayedBy: r.replayed_by,
    reason: r.reason,
    topic: r.topic,
    partition: r.kafka_partition,
    offset: r.kafka_offset,
  };
}

function toDeadLetter(r: DeadLetterRow, valueLimit?: number): DeadLetter {
  return {
    id: r.id,
    originalTopic: r.original_topic,
    originalPartition: r.original_partition,
    originalOffset: r.original_offset,
    consumerGroup: r.consumer_group,
    deadLetterTopic: r.dlt_topic,
    deadLetterPartition: r.dlt_partition,
    deadLetterOffset: r.dlt_offset,
    tenantId: r.tenant_id,
    messageId: r.message_id,
    key: r.message_key === null ? null : r.message_key.toString('utf8'),
    ...showValue(r.message_value, valueLimit),
    headers: r.headers,
    error: r.error,
    errorKind: r.error_kind,
    attempts: r.attempts,
    failedAt: r.failed_at,
    replayCount: r.replay_count,
    lastReplayedAt: r.last_replayed_at,
  };
}
