import { Consumer, Kafka, logLevel } from 'kafkajs';
import { envelopeOfRecord } from '@app/contracts';
import { headersOf } from '@app/messaging';
import type { ProvisionedTenant } from '../local/admin-client';
import { CreateOutcome, isAmbiguous } from './burst';

/**
 * Counts `scim.user.created` events per user id on a user-events topic, read from the start as
 * a downstream system reads it (read_committed).
 */
export class CreatedEventTally {
  private readonly counts = new Map<string, number>();
  private consumer?: Consumer;
  private lastRecordAt = Date.now();

  constructor(
    private readonly brokers: string,
    private readonly topic: string,
  ) {}

  async start(): Promise<this> {
    const kafka = new Kafka({ clientId: 'chaos-tally', brokers: this.brokers.split(','), logLevel: logLevel.NOTHING, retry: { retries: 100, maxRetryTime: 2000 } });
    this.consumer = kafka.consumer({ groupId: `chaos-tally-${process.pid}-${Date.now()}`, readUncommitted: false, maxWaitTimeInMs: 200 });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topic, fromBeginning: true });
    await this.consumer.run({
      eachMessage: async ({ message }) => {
        this.lastRecordAt = Date.now();
        const event = envelopeOfRecord(headersOf(message), message.value?.toString('utf8') ?? '{}') as { type?: string; subject?: string };
        if (event.type === 'scim.user.created' && event.subject) this.counts.set(event.subject, (this.counts.get(event.subject) ?? 0) + 1);
      },
    });
    return this;
  }

  count(id: string): number {
    return this.counts.get(id) ?? 0;
  }

  get total(): number {
    let n = 0;
    for (const c of this.counts.values()) n += c;
    return n;
  }

  /** Waits until every id has an event (or the deadline), then until the topic has been quiet for `quietMs`. */
  async settle(ids: string[], timeoutMs: number, quietMs = 2000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (ids.some((id) => this.count(id) === 0) && Date.now() < deadline) await sleep(200);
    while (Date.now() - this.lastRecordAt < quietMs && Date.now() < deadline) await sleep(200);
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect().catch(() => undefined);
  }
}

export interface BurstVerdict {
  /** 201 answers. */
  created: number;
  /** 201s readable by id and found by `userName eq`. */
  durable: number;
  /** 201s with exactly one created event. */
  oneEvent: number;
  /** Answers that promise nothing (5xx, no answer): the write may or may not have applied. */
  ambiguous: number;
  /** Of those, how many did apply (found by userName). */
  ambiguousApplied: number;
  /** Writes (201 or ambiguous) with more than one created event, or a stored user without one. */
  eventViolations: number;
  /** Answers that are neither 201, 409, 429, 503 nor "no answer": 500s, 400s for good input. */
  unexpectedStatuses: Record<string, number>;
  /** Created events in the tally for users of this burst that the stores do not hold. */
  problems: string[];
}

/**
 * Holds a burst's answers against the stores and the event topic:
 * - every 201 is readable by id and by filter, with exactly one created event;
 * - every ambiguous write (503, timeout, refused connection) applied at most once, and if it
 *   applied, it has exactly one created event.
 */
export async function verifyBurst(outcomes: CreateOutcome[], tenants: ProvisionedTenant[], tally: CreatedEventTally, options: { settleMs?: number } = {}): Promise<BurstVerdict> {
  const byTenant = new Map(tenants.map((t) => [t.tenantId, t]));
  const created = outcomes.filter((o) => o.status === 201 && o.id);
  await tally.settle(
    created.map((o) => o.id!),
    options.settleMs ?? 60_000,
  );
  const verdict: BurstVerdict = { created: created.length, durable: 0, oneEvent: 0, ambiguous: 0, ambiguousApplied: 0, eventViolations: 0, unexpectedStatuses: {}, problems: [] };
  const problem = (p: string) => {
    if (verdict.problems.length < 20) verdict.problems.push(p);
  };
  await inPool(created, 16, async (o) => {
    const tenant = byTenant.get(o.tenantId)!;
    const [byId, byName] = await Promise.all([read(tenant, `/Users/${o.id}`), findByUserName(tenant, o.userName)]);
    if (byId.status === 200 && byName.length === 1 && byName[0] === o.id) verdict.durable++;
    else problem(`201 ${o.id} (${o.userName}): GET by id ${byId.status}, by filter ${JSON.stringify(byName)}`);
    if (tally.count(o.id!) === 1) verdict.oneEvent++;
    else {
      verdict.eventViolations++;
      problem(`201 ${o.id}: ${tally.count(o.id!)} created events`);
    }
  });
  const ambiguous = outcomes.filter(isAmbiguous);
  verdict.ambiguous = ambiguous.length;
  await inPool(ambiguous, 16, async (o) => {
    const ids = await findByUserName(byTenant.get(o.tenantId)!, o.userName);
    if (ids.length > 1) problem(`ambiguous ${o.userName} stored ${ids.length} times`);
    if (ids.length === 0) return;
    verdict.ambiguousApplied++;
    if (tally.count(ids[0]) !== 1) {
      verdict.eventViolations++;
      problem(`ambiguous ${o.userName} applied as ${ids[0]} with ${tally.count(ids[0])} created events`);
    }
  });
  for (const o of outcomes) {
    if ([201, 409, 429, 503, 0].includes(o.status)) continue;
    verdict.unexpectedStatuses[String(o.status)] = (verdict.unexpectedStatuses[String(o.status)] ?? 0) + 1;
  }
  return verdict;
}

const agentless = { keepalive: true } as const;

async function read(tenant: ProvisionedTenant, path: string): Promise<{ status: number; body: any }> {
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await fetch(tenant.scimUrl + path, { ...agentless, headers: { authorization: `Bearer ${tenant.token}` } });
      const text = await res.text();
      // A read the gateway sheds or cannot answer yet is asked again: what is checked is the store.
      if ((res.status === 429 || res.status === 503) && attempt < 20) {
        await sleep(250);
        continue;
      }
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    } catch (err) {
      if (attempt >= 20) throw err;
      await sleep(250);
    }
  }
}

async function findByUserName(tenant: ProvisionedTenant, userName: string): Promise<string[]> {
  const res = await read(tenant, `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}&attributes=id`);
  if (res.status !== 200) throw new Error(`GET /Users?filter answered ${res.status}: ${JSON.stringify(res.body)}`);
  return ((res.body.Resources ?? []) as Array<{ id: string }>).map((r) => r.id);
}

async function inPool<T>(items: T[], concurrency: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await task(items[next++]);
    }),
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
