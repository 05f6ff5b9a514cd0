import { Headers } from '@app/contracts';
import { collectDeadLetter, showValue } from './dead-letter';

const record = (headers: Record<string, string>, value: Buffer | null = Buffer.from('{"tenantId":"t-9","x":1}')) => ({
  offset: '42',
  key: Buffer.from('t-9'),
  value,
  timestamp: String(Date.parse('2026-02-03T04:05:06.000Z')),
  headers,
});

describe('collectDeadLetter', () => {
  it('keeps the original message and reads the failure from the dlt-* headers', () => {
    const letter = collectDeadLetter(
      'scim.user-commands.v1.dlt',
      2,
      record({
        [Headers.messageId]: 'm-1',
        [Headers.correlationId]: 'c-1',
        [Headers.dltOriginalTopic]: 'somewhere.else',
        [Headers.dltOriginalPartition]: '7',
        [Headers.dltOriginalOffset]: '1234',
        [Headers.dltConsumerGroup]: 'user-service',
        [Headers.dltError]: 'boom',
        [Headers.dltErrorKind]: 'retries-exhausted',
        [Headers.dltAttempts]: '3',
        [Headers.dltFailedAt]: '2026-02-03T04:05:07.000Z',
      }),
    );
    expect(letter).toMatchObject({
      dltTopic: 'scim.user-commands.v1.dlt',
      dltPartition: 2,
      dltOffset: '42',
      // From the dead-letter topic's name, never from a header: a replay goes back where it came from.
      originalTopic: 'scim.user-commands.v1',
      originalPartition: 7,
      originalOffset: '1234',
      consumerGroup: 'user-service',
      tenantId: 't-9',
      messageId: 'm-1',
      error: 'boom',
      errorKind: 'retries-exhausted',
      attempts: 3,
      failedAt: new Date('2026-02-03T04:05:07.000Z'),
    });
    expect(letter.headers).toEqual({ [Headers.messageId]: 'm-1', [Headers.correlationId]: 'c-1' });
  });

  it('takes the tenant from the header, else a CloudEvent, and falls back to the record time', () => {
    expect(collectDeadLetter('a.dlt', 0, record({ [Headers.tenantId]: 'from-header' })).tenantId).toBe('from-header');
    const cloudEvent = collectDeadLetter('a.dlt', 0, record({}, Buffer.from('{"tenantid":"t-ce"}')));
    expect(cloudEvent.tenantId).toBe('t-ce');
    expect(cloudEvent.failedAt).toEqual(new Date('2026-02-03T04:05:06.000Z'));
    expect(cloudEvent.error).toBe('no dlt-error header');
    const garbage = collectDeadLetter('a.dlt', 0, record({ [Headers.dltAttempts]: 'many', [Headers.dltOriginalOffset]: '-1; drop' }, Buffer.from('not json')));
    expect(garbage).toMatchObject({ tenantId: null, attempts: null, originalOffset: null });
  });

  it('a CloudEvent in binary mode: the tenant from ce_tenantid, its ce_* headers kept for the replay', () => {
    const binary = {
      [Headers.messageId]: 'e-1',
      ce_specversion: '1.0',
      ce_id: 'e-1',
      ce_type: 'scim.user.created',
      ce_tenantid: 't-bin',
      [Headers.contentType]: 'application/json',
    };
    const letter = collectDeadLetter('scim.user-events.v1.dlt', 0, record({ ...binary, [Headers.dltError]: 'boom' }, Buffer.from('{"resource":{}}')));
    expect(letter).toMatchObject({ tenantId: 't-bin', messageId: 'e-1', error: 'boom' });
    expect(letter.headers).toEqual(binary);
  });

  it('refuses a topic that is not a dead-letter topic', () => {
    expect(() => collectDeadLetter('scim.user-events.v1', 0, record({}))).toThrow(/not a dead-letter topic/);
  });
});

describe('showValue', () => {
  it('shows UTF-8 as text and anything else as base64, cut to the limit', () => {
    expect(showValue(Buffer.from('{"a":1}'))).toEqual({ value: '{"a":1}', valueEncoding: 'utf8', valueTruncated: false, valueBytes: 7 });
    expect(showValue(Buffer.from([0xff, 0xfe, 0x00]))).toMatchObject({ value: '//4A', valueEncoding: 'base64' });
    expect(showValue(Buffer.from('abcdef'), 3)).toMatchObject({ value: 'abc', valueTruncated: true, valueBytes: 6 });
    expect(showValue(null)).toMatchObject({ value: null, valueBytes: 0 });
  });
});
