import type { EntityManager } from 'typeorm';

/**
 * Claims message ids for a consumer inside the caller's transaction and returns the ones not
 * seen before. If the transaction rolls back, the claims roll back with it; if it commits, a
 * redelivery of the same ids claims nothing.
 */
export async function claimMessages(manager: EntityManager, consumer: string, messageIds: string[]): Promise<Set<string>> {
  if (messageIds.length === 0) return new Set();
  const rows: Array<{ message_id: string }> = await manager.query(
    `INSERT INTO processed_messages (consumer, message_id)
     SELECT $1, id FROM unnest($2::varchar[]) AS id
     ON CONFLICT (consumer, message_id) DO NOTHING
     RETURNING message_id`,
    [consumer, [...new Set(messageIds)]],
  );
  return new Set(rows.map((r) => r.message_id));
}
