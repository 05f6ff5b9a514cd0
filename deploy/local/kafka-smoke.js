// Smoke test of a running broker through kafkajs, covering what the platform relies on:
// produce with acks=all (idempotent), a consumer group with manual commits, and transactions
// that also commit a consumer group's offsets (the outbox relay's checkpoint).
// Usage: node kafka-smoke.js 127.0.0.1:9092   Prints one JSON line; exit code 0 when all pass.
const { Kafka, logLevel } = require('kafkajs');

const broker = process.argv[2] || '127.0.0.1:9092';
const version = process.argv[3] || 'unknown';
const kafka = new Kafka({ clientId: 'kafka-smoke', brokers: [broker], logLevel: logLevel.NOTHING });
const suffix = `${Date.now()}-${process.pid}`;
const topic = `smoke.${suffix}`;
const results = {};

async function step(name, fn) {
  try {
    await fn();
    results[name] = 'pass';
  } catch (err) {
    results[name] = `fail: ${err && err.message}`;
  }
}

async function consumeCount(groupId, expected, { manualCommit }) {
  const consumer = kafka.consumer({ groupId, readUncommitted: false });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const seen = [];
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`saw ${seen.length}/${expected}`)), 30000);
    consumer
      .run({
        autoCommit: !manualCommit,
        eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary }) => {
          for (const m of batch.messages) {
            seen.push(m.value.toString());
            resolveOffset(m.offset);
          }
          if (manualCommit) {
            const last = batch.messages[batch.messages.length - 1];
            if (last) {
              await consumer.commitOffsets([{ topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() }]);
            }
          } else {
            await commitOffsetsIfNecessary();
          }
          if (seen.length >= expected) {
            clearTimeout(timer);
            resolve();
          }
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return seen;
}

async function main() {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 3 }] });

  await step('produce_acks_all_idempotent', async () => {
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({
      topic,
      acks: -1,
      messages: Array.from({ length: 30 }, (_, i) => ({ key: `k${i % 5}`, value: `plain-${i}` })),
    });
    await producer.disconnect();
  });

  await step('consumer_group_manual_commit', async () => {
    const groupId = `smoke-group-${suffix}`;
    const seen = await consumeCount(groupId, 30, { manualCommit: true });
    if (seen.length !== 30) throw new Error(`expected 30, got ${seen.length}`);
    const offsets = await admin.fetchOffsets({ groupId, topics: [topic] });
    const committed = offsets[0].partitions.reduce((n, p) => n + Number(p.offset), 0);
    if (committed !== 30) throw new Error(`committed offsets add up to ${committed}, expected 30`);
  });

  await step('transactions_commit_abort_and_send_offsets', async () => {
    const producer = kafka.producer({
      transactionalId: `smoke-tx-${suffix}`,
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    const aborted = await producer.transaction();
    await aborted.send({ topic, messages: [{ key: 'a', value: 'aborted' }] });
    await aborted.abort();
    const committed = await producer.transaction();
    await committed.send({ topic, messages: [{ key: 'c', value: 'committed' }] });
    await committed.sendOffsets({
      consumerGroupId: `smoke-checkpoint-${suffix}`,
      topics: [{ topic, partitions: [{ partition: 0, offset: '42' }] }],
    });
    await committed.commit();
    await producer.disconnect();
    const seen = await consumeCount(`smoke-reader-${suffix}`, 31, { manualCommit: false });
    if (seen.includes('aborted')) throw new Error('read_committed consumer saw an aborted message');
    if (!seen.includes('committed')) throw new Error('committed message not seen');
    const checkpoint = await admin.fetchOffsets({ groupId: `smoke-checkpoint-${suffix}`, topics: [topic] });
    const p0 = checkpoint[0].partitions.find((p) => p.partition === 0);
    if (!p0 || p0.offset !== '42') throw new Error(`transactional offset commit read back as ${p0 && p0.offset}`);
  });

  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.disconnect();
  const ok = Object.values(results).every((r) => r === 'pass');
  console.log(JSON.stringify({ version, ok, results }));
  process.exit(ok ? 0 : 1);
}

main().catch((err) => {
  console.log(JSON.stringify({ version, ok: false, error: err.message, results }));
  process.exit(1);
});
