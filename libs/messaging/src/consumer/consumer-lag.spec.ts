import { EventEmitter } from 'node:events';
import type { Consumer, Kafka } from 'kafkajs';
import { consumerMetricsOf, JsonLogger, MetricsRegistry } from '@app/observability';
import { TopicNames } from '../topic-names';
import { ConsumerLagMonitor, partitionLag } from './consumer-lag';

describe('partitionLag', () => {
  it.each([
    ['committed up to the end', { highWatermark: 10n, low: 0n, committed: 10n, consumed: undefined }, 0n],
    ['committed behind the end', { highWatermark: 10n, low: 0n, committed: 4n, consumed: undefined }, 6n],
    ['nothing committed yet: from the log start', { highWatermark: 10n, low: 3n, committed: -1n, consumed: undefined }, 7n],
    ['no offset for the partition: from the log start', { highWatermark: 10n, low: 0n, committed: undefined, consumed: undefined }, 10n],
    ['consumed past the commit (a commit marker skipped)', { highWatermark: 10n, low: 0n, committed: 9n, consumed: 10n }, 0n],
    ['a stale position of this instance behind the commit', { highWatermark: 10n, low: 0n, committed: 8n, consumed: 2n }, 2n],
    ['never negative', { highWatermark: 5n, low: 0n, committed: 7n, consumed: undefined }, 0n],
  ])('%s', (_label, input, expected) => expect(partitionLag(input)).toBe(expected));
});

/** A consumer that only emits kafkajs instrumentation events. */
function fakeConsumer(): Consumer & EventEmitter {
  return Object.assign(new EventEmitter(), {
    events: { START_BATCH_PROCESS: 'consumer.start_batch_process', END_BATCH_PROCESS: 'consumer.end_batch_process' },
  }) as unknown as Consumer & EventEmitter;
}

function setUp(broker: { committed: Record<number, string>; ends: Array<{ partition: number; high: string; low: string }> }) {
  const metrics = new MetricsRegistry({ service: 'user-service', defaultMetrics: false });
  const consumerMetrics = consumerMetricsOf(metrics);
  const admin = {
    connect: jest.fn(async () => undefined),
    disconnect: jest.fn(async () => undefined),
    fetchOffsets: jest.fn(async ({ topics }: { groupId: string; topics: string[] }) =>
      topics.map((topic) => ({ topic, partitions: Object.entries(broker.committed).map(([p, offset]) => ({ partition: Number(p), offset })) })),
    ),
    fetchTopicOffsets: jest.fn(async () => broker.ends.map((e) => ({ ...e, offset: e.high }))),
  };
  const kafka = { admin: () => admin } as unknown as Kafka;
  const monitor = new ConsumerLagMonitor({
    kafka,
    groupId: 'test.x.user-service',
    topics: new TopicNames('test.x.'),
    metrics: consumerMetrics,
    logger: new JsonLogger('user-service', 'error', () => undefined).child('consumer'),
    intervalMs: 60_000,
  });
  const lag = async () => Object.fromEntries(((await consumerMetrics.lag.get()).values ?? []).map((v) => [`${v.labels.topic}/${v.labels.partition}/${v.labels.group}`, v.value]));
  return { monitor, admin, lag };
}

describe('ConsumerLagMonitor', () => {
  it('sets the lag of each batch from its start and its end, by logical topic, partition and group', async () => {
    const { monitor, lag } = setUp({ committed: {}, ends: [] });
    const consumer = fakeConsumer();
    monitor.attach(consumer);
    const batch = { topic: 'test.x.scim.user-commands.v1', partition: 2, highWatermark: '120', offsetLagLow: '19', offsetLag: '9', lastOffset: '110' };
    consumer.emit(consumer.events.START_BATCH_PROCESS, { payload: batch });
    expect(await lag()).toEqual({ 'scim.user-commands.v1/2/test.x.user-service': 20 });
    consumer.emit(consumer.events.END_BATCH_PROCESS, { payload: batch });
    expect(await lag()).toEqual({ 'scim.user-commands.v1/2/test.x.user-service': 9 });
  });

  it('reads the lag of every partition from the broker, and sees it grow while nothing is consumed', async () => {
    const broker = {
      committed: { 0: '40', 1: '-1' } as Record<number, string>,
      ends: [
        { partition: 0, high: '50', low: '0' },
        { partition: 1, high: '7', low: '2' },
      ],
    };
    const { monitor, admin, lag } = setUp(broker);
    monitor.start(['test.x.scim.user-commands.v1']);
    await monitor.measureNow();
    expect(admin.fetchOffsets).toHaveBeenCalledWith({ groupId: 'test.x.user-service', topics: ['test.x.scim.user-commands.v1'] });
    expect(await lag()).toEqual({ 'scim.user-commands.v1/0/test.x.user-service': 10, 'scim.user-commands.v1/1/test.x.user-service': 5 });

    broker.ends[0].high = '80'; // records keep arriving to a stuck consumer
    await monitor.measureNow();
    expect((await lag())['scim.user-commands.v1/0/test.x.user-service']).toBe(40);
    await monitor.stop();
    expect(admin.connect).toHaveBeenCalledTimes(1);
    expect(admin.disconnect).toHaveBeenCalledTimes(1);
  });

  it('counts from what this instance consumed when it is ahead of the commit (commit markers of transactional topics)', async () => {
    const { monitor, lag } = setUp({ committed: { 0: '9' }, ends: [{ partition: 0, high: '10', low: '0' }] });
    const consumer = fakeConsumer();
    monitor.attach(consumer);
    monitor.start(['test.x.scim.user-events.v1']);
    consumer.emit(consumer.events.END_BATCH_PROCESS, {
      payload: { topic: 'test.x.scim.user-events.v1', partition: 0, highWatermark: '10', offsetLagLow: '0', offsetLag: '0', lastOffset: '9' },
    });
    await monitor.measureNow();
    expect(await lag()).toEqual({ 'scim.user-events.v1/0/test.x.user-service': 0 });
    await monitor.stop();
  });
});
