import { CloudEvent, Kafka, type KafkaMessage as CloudEventsKafkaMessage } from 'cloudevents';
import type { Message } from 'kafkajs';
import { CLOUDEVENTS_CONTENT_TYPE, Headers, Topics } from '@app/contracts';
import { RecordValidator } from '../consumer/record-validator';
import { TopicNames } from '../topic-names';
import { messagesOf, OutboxRow } from './outbox-relay';
import { stateRecordsOf } from '@app/contracts';

const userEvent = (id: string, type: string) => ({
  specversion: '1.0',
  id: `ev-${id}-${type}`,
  source: '/scim/user-service',
  type,
  subject: id,
  time: '2026-01-02T03:04:05.000Z',
  datacontenttype: 'application/json',
  tenantid: 't',
  data: { resource: { id, userName: id }, changedAttributes: [] },
});
const row = (id: string, topic: string, payload: unknown): OutboxRow => ({ id, topic, key: `t/${id}`, headers: { [Headers.messageId]: `m-${id}` }, payload });

describe('OutboxRelay messagesOf', () => {
  const topics = new TopicNames('p.');

  it('publishes each event with its derived records, both carrying the outbox sequence, in row order', () => {
    const rows = [row('7', Topics.userEvents, userEvent('a', 'scim.user.created')), row('8', Topics.userEvents, userEvent('a', 'scim.user.deleted'))];
    const out = messagesOf(rows, stateRecordsOf, topics);
    expect(out.map((t) => t.topic)).toEqual(['p.' + Topics.userEvents, 'p.' + Topics.userState]);
    const [events, state] = out;
    expect(events.messages.map((m) => m.headers)).toEqual([
      { [Headers.messageId]: 'm-7', [Headers.outboxSequence]: '7' },
      { [Headers.messageId]: 'm-8', [Headers.outboxSequence]: '8' },
    ]);
    expect(JSON.parse(String(events.messages[0].value))).toEqual(rows[0].payload);
    expect(state.messages.map((m) => [m.key, m.headers])).toEqual([
      ['t/a', { [Headers.outboxSequence]: '7' }],
      ['t/a', { [Headers.outboxSequence]: '8' }],
    ]);
    expect(JSON.parse(String(state.messages[0].value))).toMatchObject({ kind: 'User', id: 'a' });
    expect(state.messages[1].value).toBeNull(); // tombstone
  });

  it('adds nothing for a row whose topic derives nothing', () => {
    const out = messagesOf([row('1', Topics.tenantEvents, { any: 'thing' })], stateRecordsOf, topics);
    expect(out).toEqual([{ topic: 'p.' + Topics.tenantEvents, messages: [expect.objectContaining({ key: 't/1' })] }]);
    expect(out[0].messages).toHaveLength(1);
  });
});

describe('CloudEvents binding modes', () => {
  const topics = new TopicNames('p.');
  const event = {
    ...userEvent('a', 'scim.user.created'),
    data: {
      resource: {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        id: 'a',
        userName: 'ann@example.com',
        active: true,
        meta: { resourceType: 'User', created: '2026-01-02T03:04:05.000Z', lastModified: '2026-01-02T03:04:05.000Z', version: 'W/"1"' },
      },
      changedAttributes: ['userName'],
    },
  };
  const rows = [{ ...row('9', Topics.userEvents, event), headers: { [Headers.messageId]: 'm-9', [Headers.contentType]: CLOUDEVENTS_CONTENT_TYPE, traceparent: 'tp' } }];

  /** The record as the CNCF SDK's Kafka binding receives it (headers and value as text). */
  function sdkRead(message: Message): CloudEvent<unknown> {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = String(v);
    const record: CloudEventsKafkaMessage<string> = { headers, key: String(message.key), value: message.value === null ? '' : String(message.value), body: undefined };
    const read = Kafka.toEvent(record);
    return read as CloudEvent<unknown>;
  }

  it('structured (default): the envelope is the value, content-type application/cloudevents+json', () => {
    const [{ messages }] = messagesOf(rows, () => [], topics);
    expect(messages[0].headers).toMatchObject({ [Headers.contentType]: CLOUDEVENTS_CONTENT_TYPE, traceparent: 'tp', [Headers.outboxSequence]: '9' });
    expect(JSON.parse(String(messages[0].value))).toEqual(event);
  });

  it('binary: ce_* headers, the data as the value, content-type application/json; the other headers kept', () => {
    const [{ messages }] = messagesOf(rows, () => [], topics, 'binary');
    expect(messages[0].headers).toEqual({
      [Headers.messageId]: 'm-9',
      traceparent: 'tp',
      [Headers.outboxSequence]: '9',
      'content-type': 'application/json',
      ce_specversion: '1.0',
      ce_id: event.id,
      ce_source: event.source,
      ce_type: event.type,
      ce_subject: event.subject,
      ce_time: event.time,
      ce_tenantid: event.tenantid,
    });
    expect(JSON.parse(String(messages[0].value))).toEqual(event.data);
  });

  it('the CNCF SDK reads the same event from either mode', () => {
    const [structured, binary] = (['structured', 'binary'] as const).map((mode) => sdkRead(messagesOf(rows, () => [], topics, mode)[0].messages[0]));
    for (const read of [structured, binary]) {
      expect({ id: read.id, source: read.source, type: read.type, subject: read.subject, tenantid: read.tenantid, datacontenttype: read.datacontenttype }).toEqual({
        id: event.id,
        source: event.source,
        type: event.type,
        subject: event.subject,
        tenantid: event.tenantid,
        datacontenttype: 'application/json',
      });
      expect(new Date(read.time!).toISOString()).toBe(event.time);
      expect(read.data).toEqual(event.data);
    }
  });

  it("our consumers' validator reads a binary record back into the same envelope", () => {
    const validator = new RecordValidator();
    const [{ messages }] = messagesOf(rows, () => [], topics, 'binary');
    const headers = Object.fromEntries(Object.entries(messages[0].headers ?? {}).map(([k, v]) => [k, String(v)]));
    expect(validator.parse(Topics.userEvents, Buffer.from(String(messages[0].value)), headers)).toEqual(event);
    expect(() => validator.parse(Topics.userEvents, Buffer.from('{"resource":{}}'), { ...headers, ce_type: 'scim.user.exploded' })).toThrow(/schema/);
  });

  it('rows that are not CloudEvents are published as they are in binary mode', () => {
    const plain = [row('10', Topics.requestRecords, { tenantId: 't', method: 'GET' })];
    const [{ messages }] = messagesOf(plain, () => [], topics, 'binary');
    expect(JSON.parse(String(messages[0].value))).toEqual({ tenantId: 't', method: 'GET' });
    expect(Object.keys(messages[0].headers ?? {}).some((h) => h.startsWith('ce_'))).toBe(false);
  });
});
