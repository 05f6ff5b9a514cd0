import { Headers, type AuditPrincipal, type DeadLetterReplay } from '@app/contracts';
import { AuditError, AuditErrorCode } from '../domain/audit-error';
import type { NewReplay, StoredDeadLetter } from '../persistence/dead-letter.repository';
import { DeadLetterService, type DeadLetterStore, type ReplayPublisher } from './dead-letter.service';

const ops: AuditPrincipal = { kind: 'ops', tenantId: null };
const tenant: AuditPrincipal = { kind: 'tenant', tenantId: 't' };

class FakeStore implements Partial<DeadLetterStore> {
  recorded: NewReplay[] = [];
  constructor(readonly letters: StoredDeadLetter[]) {}
  async raw(ids: readonly string[]) {
    return this.letters.filter((l) => ids.includes(l.id));
  }
  async recordReplays(replays: readonly NewReplay[]): Promise<DeadLetterReplay[]> {
    this.recorded.push(...replays);
    return replays.map((r, i) => ({ ...r, id: String(i + 1), replayedAt: 'now' }));
  }
}

class FakePublisher implements ReplayPublisher {
  sent: Array<{ topic: string; headers: Record<string, string>; value: string | undefined }> = [];
  constructor(private readonly failOn?: number) {}
  async publish(topic: string, message: { key: Buffer | null; value: Buffer | null; headers: Record<string, string> }) {
    if (this.sent.length === this.failOn) throw new Error('broker away');
    this.sent.push({ topic, headers: message.headers, value: message.value?.toString() });
    return { partition: 0, offset: String(this.sent.length) };
  }
}

const letter = (id: string, topic = 'scim.user-events.v1'): StoredDeadLetter => ({
  id,
  originalTopic: topic,
  key: Buffer.from('k'),
  value: Buffer.from(`v${id}`),
  headers: { [Headers.messageId]: `m-${id}` },
});

function service(store: FakeStore, publisher: FakePublisher) {
  return new DeadLetterService(store as unknown as DeadLetterStore, publisher);
}

async function codeOf(work: Promise<unknown>): Promise<AuditErrorCode | undefined> {
  try {
    await work;
    return undefined;
  } catch (err) {
    return (err as AuditError).code;
  }
}

describe('DeadLetterService.replay', () => {
  it('sends each original message back to its topic in the order given, naming the dead letter, and records each send', async () => {
    const store = new FakeStore([letter('1'), letter('2', 'scim.user-commands.v1')]);
    const publisher = new FakePublisher();
    const replays = await service(store, publisher).replay(ops, ['2', '1'], 'fixed');
    expect(publisher.sent).toEqual([
      { topic: 'scim.user-commands.v1', value: 'v2', headers: { [Headers.messageId]: 'm-2', [Headers.replayOf]: '2' } },
      { topic: 'scim.user-events.v1', value: 'v1', headers: { [Headers.messageId]: 'm-1', [Headers.replayOf]: '1' } },
    ]);
    expect(store.recorded.map((r) => [r.deadLetterId, r.replayedBy, r.reason])).toEqual([
      ['2', 'ops', 'fixed'],
      ['1', 'ops', 'fixed'],
    ]);
    expect(replays).toHaveLength(2);
  });

  it('replays nothing when an id is unknown, malformed or repeated, or the caller is not ops', async () => {
    const store = new FakeStore([letter('1')]);
    const publisher = new FakePublisher();
    const s = service(store, publisher);
    expect(await codeOf(s.replay(ops, ['1', '5'], undefined))).toBe(AuditErrorCode.NotFound);
    expect(await codeOf(s.replay(ops, ['1', 'x'], undefined))).toBe(AuditErrorCode.InvalidParameter);
    expect(await codeOf(s.replay(ops, ['1', '1'], undefined))).toBe(AuditErrorCode.Conflict);
    expect(await codeOf(s.replay(ops, [], undefined))).toBe(AuditErrorCode.InvalidParameter);
    expect(
      await codeOf(
        s.replay(
          ops,
          Array.from({ length: 501 }, (_, i) => String(i + 1)),
          undefined,
        ),
      ),
    ).toBe(AuditErrorCode.InvalidParameter);
    expect(await codeOf(s.replay(tenant, ['1'], undefined))).toBe(AuditErrorCode.Forbidden);
    expect(publisher.sent).toEqual([]);
    expect(store.recorded).toEqual([]);
  });

  it('records the replays sent before Kafka failed, and answers 503 for the rest', async () => {
    const store = new FakeStore([letter('1'), letter('2'), letter('3')]);
    const publisher = new FakePublisher(1);
    const error = await service(store, publisher)
      .replay(ops, ['1', '2', '3'], undefined)
      .catch((e: AuditError) => e);
    expect(error).toBeInstanceOf(AuditError);
    expect((error as AuditError).status).toBe(503);
    expect(store.recorded.map((r) => r.deadLetterId)).toEqual(['1']);
  });
});
