import type { RequestRecord } from '@app/contracts';
import { JsonLogger } from '@app/observability';
import type { ObservedRequest } from './request-record-builder';
import { RequestRecorder, type RequestRecorderOptions } from './request-recorder';

const logger = new JsonLogger('test', 'fatal').child('request-records');

function observed(i: number, overrides: Partial<ObservedRequest> = {}): ObservedRequest {
  return {
    recordId: `r${i}`,
    receivedAt: new Date(),
    method: 'GET',
    url: `/scim/v2/Users/u${i}`,
    route: '/scim/v2/Users/:id',
    params: { id: `u${i}` },
    status: 200,
    latencyMs: 1,
    correlationId: `c${i}`,
    clientRequestId: null,
    tenantId: 't',
    tokenId: 'k',
    requestBody: undefined,
    requestBytes: 0,
    responsePayload: undefined,
    ...overrides,
  };
}

function recorder(send: (records: RequestRecord[]) => Promise<void>, overrides: Partial<RequestRecorderOptions> = {}) {
  return new RequestRecorder({
    basePath: '/scim/v2',
    limits: { bodyLimitBytes: 1000, maxResourceIds: 10 },
    batchSize: 10,
    maxBatchBytes: 1_000_000,
    flushIntervalMs: 5,
    bufferLimit: 100,
    send,
    logger,
    ...overrides,
  });
}

const until = async (condition: () => boolean) => {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(condition()).toBe(true);
};

describe('RequestRecorder', () => {
  it('returns at once and sends in batches of at most batchSize, in order', async () => {
    const batches: string[][] = [];
    const r = recorder(async (records) => void batches.push(records.map((x) => x.correlationId)));
    for (let i = 0; i < 25; i++) r.record({ observed: observed(i) });
    expect(batches).toHaveLength(0); // nothing is sent on the caller's turn
    await until(() => r.totals.sent === 25);
    expect(batches.every((b) => b.length <= 10)).toBe(true);
    expect(batches.flat()).toEqual(Array.from({ length: 25 }, (_, i) => `c${i}`));
  });

  it('ends a batch at maxBatchBytes', async () => {
    const sizes: number[] = [];
    const r = recorder(async (records) => void sizes.push(records.length), { maxBatchBytes: 3000 });
    for (let i = 0; i < 6; i++) r.record({ observed: observed(i, { responsePayload: JSON.stringify({ x: 'y'.repeat(900) }) }) });
    await until(() => r.totals.sent === 6);
    expect(Math.max(...sizes)).toBeLessThan(6);
  });

  it('keeps records while Kafka fails, drops the oldest past the buffer limit, and sends the rest once Kafka is back', async () => {
    let up = false;
    const sent: string[] = [];
    const r = recorder(
      async (records) => {
        if (!up) throw new Error('broker down');
        sent.push(...records.map((x) => x.correlationId));
      },
      { bufferLimit: 20 },
    );
    for (let i = 0; i < 30; i++) r.record({ observed: observed(i) });
    await until(() => r.totals.failedSends > 0);
    expect(r.totals.dropped).toBe(10);
    up = true;
    await r.close();
    expect(sent).toEqual(Array.from({ length: 20 }, (_, i) => `c${i + 10}`));
  });

  it('sends the same record ids again after a failed send (the audit log deduplicates on them)', async () => {
    let attempts = 0;
    const seen: string[][] = [];
    const r = recorder(async (records) => {
      seen.push(records.map((x) => x.recordId));
      if (++attempts === 1) throw new Error('timeout after the broker stored it');
    });
    for (let i = 0; i < 3; i++) r.record({ observed: observed(i) });
    await until(() => r.totals.sent === 3);
    expect(seen[1]).toEqual(seen[0]);
  });

  it('drops the oldest records beyond the byte limit', async () => {
    const r = recorder(
      async () => {
        throw new Error('broker down');
      },
      { maxBufferBytes: 50_000, flushIntervalMs: 60_000 },
    );
    for (let i = 0; i < 10; i++) r.record({ observed: observed(i, { responsePayload: 'x'.repeat(3_000), requestBytes: 0 }) });
    expect(r.pending).toBe(10);
    for (let i = 10; i < 40; i++) r.record({ observed: observed(i, { responsePayload: 'x'.repeat(3_000) }) });
    expect(r.pending).toBeLessThan(40);
    expect(r.totals.dropped).toBe(40 - r.pending);
  });

  it('sends everything held on close, even records that arrived within the flush interval', async () => {
    const sent: RequestRecord[] = [];
    const r = recorder(async (records) => void sent.push(...records), { flushIntervalMs: 60_000 });
    for (let i = 0; i < 3; i++) r.record({ observed: observed(i) });
    await r.close();
    expect(sent).toHaveLength(3);
  });

  it('names the tenant of a request refused before authentication from its token', async () => {
    const sent: RequestRecord[] = [];
    const r = recorder(async (records) => void sent.push(...records), {
      resolveTenant: async (token) => (token === 'good' ? { tenantId: 'tenant-x', tokenId: 'tok-x' } : undefined),
    });
    r.record({ observed: observed(1, { tenantId: null, tokenId: null, status: 415 }), bearerToken: 'good' });
    r.record({ observed: observed(2, { tenantId: null, tokenId: null, status: 415 }), bearerToken: 'bad' });
    await r.close();
    expect(sent.map((x) => [x.tenantId, x.tokenId])).toEqual([
      ['tenant-x', 'tok-x'],
      [null, null],
    ]);
  });
});
