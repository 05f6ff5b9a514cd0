import type { Kafka, ProducerRecord } from 'kafkajs';
import { Headers, Topics, UserCommand } from '@app/contracts';
import { runWithCorrelation } from '@app/observability';
import { TopicNames } from '../topic-names';
import { TypedProducer } from './typed-producer';

/** A stand-in for kafkajs that records what would be sent (small test; the medium tests use the real broker). */
function recordingKafka(sent: ProducerRecord[]): Kafka {
  const producer = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    send: async (record: ProducerRecord) => {
      sent.push(record);
      return [];
    },
  };
  return { producer: () => producer } as unknown as Kafka;
}

const command: UserCommand = {
  commandId: 'c-1',
  type: 'user.create',
  tenantId: 't-1',
  issuedAt: '2026-11-22T10:00:00.000Z',
  payload: { profile: { extensions: [], mutabilityOverrides: {}, unknownAttributes: 'strict' }, resource: { userName: 'a' } },
};

describe('TypedProducer', () => {
  it('sends to the prefixed topic with acks=all, JSON values and the current correlation id', async () => {
    const sent: ProducerRecord[] = [];
    const producer = new TypedProducer(recordingKafka(sent), new TopicNames('test.p.'));
    await runWithCorrelation({ correlationId: 'corr-9' }, () => producer.send(Topics.userCommands, [{ key: 't-1', value: command }]));
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ topic: 'test.p.scim.user-commands.v1', acks: -1 });
    expect(JSON.parse(String(sent[0].messages[0].value))).toEqual(command);
    expect(sent[0].messages[0].headers).toEqual({ [Headers.correlationId]: 'corr-9' });
  });

  it('keeps a correlation id the caller set, and sends nothing for no records', async () => {
    const sent: ProducerRecord[] = [];
    const producer = new TypedProducer(recordingKafka(sent), new TopicNames());
    await runWithCorrelation({ correlationId: 'ambient' }, () =>
      producer.send(Topics.userCommands, [{ key: 't-1', value: command, headers: { [Headers.correlationId]: 'explicit' } }]),
    );
    await producer.send(Topics.userCommands, []);
    expect(sent).toHaveLength(1);
    expect(sent[0].messages[0].headers).toEqual({ [Headers.correlationId]: 'explicit' });
  });

  it('refuses, at compile time, a payload that does not belong to the topic', async () => {
    const producer = new TypedProducer(recordingKafka([]), new TopicNames());
    const reply = { commandId: 'c-1', tenantId: 't-1', status: 201 };
    // @ts-expect-error a command reply is not a user command (checked by `npm run typecheck`, part of `npm test`)
    await producer.send(Topics.userCommands, [{ key: 't-1', value: reply }]);
    await producer.send(Topics.commandReplies, [{ key: 'gw-1', value: reply }]);
  });
});

describe('TypedProducer with linger', () => {
  it('coalesces concurrent sends to a topic into one request, in call order, and resolves each after the ack', async () => {
    const sent: ProducerRecord[] = [];
    const producer = new TypedProducer(recordingKafka(sent), new TopicNames(), { lingerMs: 5 });
    const commands = [1, 2, 3].map((n) => ({ ...command, commandId: `c-${n}` }));
    await Promise.all(commands.map((c) => producer.send(Topics.userCommands, [{ key: c.tenantId, value: c }])));
    expect(sent).toHaveLength(1);
    expect(sent[0].messages.map((m) => JSON.parse(String(m.value)).commandId)).toEqual(['c-1', 'c-2', 'c-3']);
  });

  it('sends at once when a batch is full, and fails every waiter of a failed request', async () => {
    const sent: ProducerRecord[] = [];
    const producer = new TypedProducer(recordingKafka(sent), new TopicNames(), { lingerMs: 10_000, maxBatchRecords: 2 });
    await Promise.all([1, 2].map((n) => producer.send(Topics.userCommands, [{ key: 't', value: { ...command, commandId: `c-${n}` } }])));
    expect(sent).toHaveLength(1);

    const failing = { producer: () => ({ send: async () => Promise.reject(new Error('broker down')) }) } as unknown as Kafka;
    const broken = new TypedProducer(failing, new TopicNames(), { lingerMs: 1 });
    const results = await Promise.allSettled([1, 2].map(() => broken.send(Topics.userCommands, [{ key: 't', value: command }])));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});

describe('TypedProducer after the broker lost its producer session', () => {
  it('replaces the producer (a new producer id) and sends on the new one; the failed send is reported', async () => {
    const lost = Object.assign(new Error('The broker received an out of order sequence number'), {
      name: 'KafkaJSProtocolError',
      type: 'OUT_OF_ORDER_SEQUENCE_NUMBER',
      retriable: false,
    });
    const created: Array<{ connects: number; disconnects: number; sent: ProducerRecord[] }> = [];
    const kafka = {
      producer: () => {
        const state = { connects: 0, disconnects: 0, sent: [] as ProducerRecord[] };
        created.push(state);
        const first = created.length === 1;
        return {
          connect: async () => void state.connects++,
          disconnect: async () => void state.disconnects++,
          send: async (record: ProducerRecord) => {
            if (first) throw lost; // kafkajs fails every send of such a producer
            state.sent.push(record);
            return [];
          },
        };
      },
    } as unknown as Kafka;
    const producer = new TypedProducer(kafka, new TopicNames(''));
    await producer.connect();
    await expect(producer.send(Topics.userCommands, [{ key: 't-1', value: command }])).rejects.toBe(lost);
    await producer.send(Topics.userCommands, [{ key: 't-1', value: command }]);
    expect(created.map((p) => [p.connects, p.disconnects, p.sent.length])).toEqual([
      [1, 1, 0],
      [1, 0, 1],
    ]);
  });
});
