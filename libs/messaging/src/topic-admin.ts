import type { Admin } from 'kafkajs';
import type { TopicSpec } from '@app/contracts';

/**
 * Creates the topics that do not exist yet, with their declared partitions, retention and
 * cleanup policy. Existing topics are left alone; a partition count below the declared one is
 * raised (Kafka cannot lower it). Returns the names created.
 */
export async function ensureTopics(admin: Admin, specs: readonly TopicSpec[]): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = specs.filter((s) => !existing.has(s.name));
  if (missing.length > 0) {
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((s) => ({
        topic: s.name,
        numPartitions: s.partitions,
        replicationFactor: -1,
        configEntries: [
          { name: 'cleanup.policy', value: s.cleanupPolicy },
          { name: 'retention.ms', value: String(s.retentionMs) },
        ],
      })),
    });
  }
  const present = specs.filter((s) => existing.has(s.name));
  if (present.length > 0) {
    const metadata = await admin.fetchTopicMetadata({ topics: present.map((s) => s.name) });
    const grow = metadata.topics
      .map((t) => ({ topic: t.name, have: t.partitions.length, want: present.find((s) => s.name === t.name)!.partitions }))
      .filter((t) => t.have < t.want);
    if (grow.length > 0) {
      await admin.createPartitions({ topicPartitions: grow.map((g) => ({ topic: g.topic, count: g.want })) });
    }
  }
  return missing.map((s) => s.name);
}
