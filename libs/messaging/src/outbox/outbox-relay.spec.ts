import { Headers, Topics } from '@app/contracts';
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
