import type { EntityManager } from 'typeorm';
import { Headers, PayloadTopic, TopicPayload } from '@app/contracts';
import { currentCorrelation, traceHeaders } from '@app/observability';
import { ADVISORY_LOCK_NAMESPACE, AdvisoryLocks } from '@app/persistence';

export const OUTBOX_NOTIFY_CHANNEL = 'outbox_pending';

export interface OutboxEntry<P> {
  key: string;
  value: P;
  /** Unique id of the message (for events, the CloudEvents id); consumers deduplicate on it. */
  messageId: string;
  headers?: Record<string, string>;
}

/**
 * An event that follows one command: it carries the trace context of that command's processing
 * (ReceivedCommand.trace), so the event is part of the command's trace even when the command
 * was decided in a batch with others.
 */
export function followingCommand<P>(entry: OutboxEntry<P>, trace: Record<string, string> | undefined): OutboxEntry<P> {
  return trace && Object.keys(trace).length > 0 ? { ...entry, headers: { ...entry.headers, ...trace } } : entry;
}

/**
 * Appends events to the outbox inside the caller's transaction, so they exist if and only if the
 * state change commits. Takes a transaction-scoped lock first so that outbox ids are handed out
 * in commit order: the relay's checkpoint ("every id up to N is on Kafka") depends on it. The
 * lock is held only from here to commit, which ends the transaction anyway.
 */
export async function appendToOutbox<T extends PayloadTopic>(manager: EntityManager, topic: T, entries: OutboxEntry<TopicPayload<T>>[]): Promise<void> {
  if (entries.length === 0) return;
  const correlationId = currentCorrelation()?.correlationId;
  // The relay publishes each row with these headers: the trace context (W3C traceparent) is the
  // entry's own (followingCommand) or else the writer's, so the event continues the trace.
  const trace = traceHeaders();
  const headers = entries.map((e) =>
    JSON.stringify({
      [Headers.messageId]: e.messageId,
      ...(correlationId ? { [Headers.correlationId]: correlationId } : {}),
      ...trace,
      ...e.headers,
    }),
  );
  // One round trip: the one-row subquery takes the lock (and queues the notification, delivered
  // at commit) before any row is formed, so every id below is handed out under the lock.
  await manager.query(
    `INSERT INTO outbox (topic, key, headers, payload)
     SELECT $1, t.k, t.h::jsonb, t.p::jsonb
     FROM (SELECT pg_advisory_xact_lock($5, $6), pg_notify($7, '')) AS guard,
          unnest($2::varchar[], $3::text[], $4::text[]) WITH ORDINALITY AS t(k, h, p, n)
     ORDER BY t.n`,
    [topic, entries.map((e) => e.key), headers, entries.map((e) => JSON.stringify(e.value)), ADVISORY_LOCK_NAMESPACE, AdvisoryLocks.outboxWrite, OUTBOX_NOTIFY_CHANNEL],
  );
}
