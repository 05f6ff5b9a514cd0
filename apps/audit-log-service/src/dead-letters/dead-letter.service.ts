import { CONSUMED_TOPICS, Headers, type AuditPage, type AuditPrincipal, type DeadLetter, type DeadLetterDetail, type DeadLetterReplay } from '@app/contracts';
import { AuditError, AuditErrorCode, forbidden, invalidParameter, notFound } from '../domain/audit-error';
import type { CollectedDeadLetter } from '../domain/dead-letter';
import type { DeadLetterFilters, NewReplay, StoredDeadLetter } from '../persistence/dead-letter.repository';
import { pageOf, type Cursor } from '../query/cursor';

/** What the service needs of the store (DeadLetterRepository). */
export interface DeadLetterStore {
  insert(letters: readonly CollectedDeadLetter[]): Promise<number>;
  find(filters: DeadLetterFilters, limit: number, cursor?: Cursor): Promise<DeadLetter[]>;
  get(id: string): Promise<DeadLetter | undefined>;
  raw(ids: readonly string[]): Promise<StoredDeadLetter[]>;
  replaysOf(id: string): Promise<DeadLetterReplay[]>;
  recordReplays(replays: readonly NewReplay[]): Promise<DeadLetterReplay[]>;
}

/** Puts one message back on its (logical) topic; answers where it landed. */
export interface ReplayPublisher {
  publish(topic: string, message: { key: Buffer | null; value: Buffer | null; headers: Record<string, string> }): Promise<{ partition: number; offset: string }>;
}

export const MAX_REPLAY = 500;
const MAX_REASON = 500;

/**
 * Dead letters you can act on (docs/audit.md#dead-letters): collected from every `<topic>.dlt`,
 * listed for ops, and replayed to their topic. A replay sends the original key, value and headers
 * (the message id with them), so a consumer that already applied the message skips it, as it would
 * a redelivery; the `replay-of` header names the dead letter. Each replay is recorded after the
 * broker acknowledged it: a replay recorded is a replay sent.
 */
export class DeadLetterService {
  constructor(
    private readonly store: DeadLetterStore,
    private readonly publisher: ReplayPublisher,
  ) {}

  collect(letters: readonly CollectedDeadLetter[]): Promise<number> {
    return this.store.insert(letters);
  }

  async list(principal: AuditPrincipal, filters: DeadLetterFilters, limit: number, cursor?: Cursor): Promise<AuditPage<DeadLetter>> {
    opsOnly(principal);
    if (filters.topic !== undefined && !CONSUMED_TOPICS.includes(filters.topic)) throw invalidParameter(`topic must be one of ${CONSUMED_TOPICS.join(', ')}`);
    const rows = await this.store.find(filters, limit, cursor);
    return pageOf(rows, limit, (d) => ({ time: d.failedAt, id: d.id }));
  }

  async get(principal: AuditPrincipal, id: string): Promise<DeadLetterDetail> {
    opsOnly(principal);
    const letter = isId(id) ? await this.store.get(id) : undefined;
    if (!letter) throw notFound(`no dead letter ${id}`);
    return { ...letter, replays: await this.store.replaysOf(id) };
  }

  /**
   * Replays the given dead letters in the order given. All ids are checked first (a request
   * naming one that does not exist replays nothing); a send that fails stops the request there,
   * with the replays sent before it recorded.
   */
  async replay(principal: AuditPrincipal, ids: readonly string[], reason: string | undefined): Promise<DeadLetterReplay[]> {
    opsOnly(principal);
    if (ids.length === 0 || ids.length > MAX_REPLAY) throw invalidParameter(`ids must name 1 to ${MAX_REPLAY} dead letters`);
    const bad = ids.find((id) => !isId(id));
    if (bad !== undefined) throw invalidParameter(`'${String(bad)}' is not a dead-letter id`);
    if (new Set(ids).size !== ids.length) throw new AuditError(AuditErrorCode.Conflict, 'ids names a dead letter twice; replay it again in another request');
    if (reason !== undefined && reason.length > MAX_REASON) throw invalidParameter(`reason is longer than ${MAX_REASON} characters`);
    const found = new Map((await this.store.raw(ids)).map((d) => [d.id, d]));
    const missing = ids.find((id) => !found.has(id));
    if (missing !== undefined) throw notFound(`no dead letter ${missing}`);
    const sent: NewReplay[] = [];
    let failure: unknown;
    for (const id of ids) {
      const letter = found.get(id)!;
      try {
        const at = await this.publisher.publish(letter.originalTopic, { key: letter.key, value: letter.value, headers: { ...letter.headers, [Headers.replayOf]: id } });
        sent.push({ deadLetterId: id, replayedBy: principal.kind, reason: reason ?? null, topic: letter.originalTopic, ...at });
      } catch (err) {
        failure = err;
        break;
      }
    }
    const recorded = await this.store.recordReplays(sent);
    if (failure !== undefined) {
      throw new AuditError(
        AuditErrorCode.Unavailable,
        `Kafka refused the replay after ${recorded.length} of ${ids.length} (${(failure as Error).message}); those are recorded, try the rest again`,
      );
    }
    return recorded;
  }
}

function opsOnly(principal: AuditPrincipal): void {
  if (principal.kind !== 'ops') throw forbidden('dead letters are for the ops credential');
}

function isId(id: unknown): id is string {
  return typeof id === 'string' && /^[1-9]\d{0,17}$/.test(id);
}
