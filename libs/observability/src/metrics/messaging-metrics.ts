import type { MetricsRegistry } from './metrics-registry';

/**
 * Metrics of the Kafka consumer transport and the outbox relay. Topics are labelled by their
 * logical name (`scim.user-commands.v1`, without TOPIC_PREFIX), so dashboards read the same in
 * every environment; `group` is the consumer group as configured.
 */
export const MessagingMetricNames = {
  consumerLag: 'scim_kafka_consumer_lag',
  messagesConsumed: 'scim_kafka_messages_consumed_total',
  batchDuration: 'scim_kafka_batch_duration_seconds',
  deadLetters: 'scim_kafka_dead_letters_total',
  outboxUnpublished: 'scim_outbox_unpublished_events',
  outboxOldestUnpublishedAge: 'scim_outbox_oldest_unpublished_age_seconds',
  outboxPublished: 'scim_outbox_published_events_total',
} as const;

const BATCH_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export type ConsumerMetrics = ReturnType<typeof consumerMetricsOf>;
export type OutboxMetrics = ReturnType<typeof outboxMetricsOf>;

export function consumerMetricsOf(metrics: MetricsRegistry) {
  return {
    lag: metrics.gauge({
      name: MessagingMetricNames.consumerLag,
      help: 'Records of a partition not yet consumed by the group (high watermark minus the consumed position)',
      labelNames: ['topic', 'partition', 'group'],
    }),
    consumed: metrics.counter({
      name: MessagingMetricNames.messagesConsumed,
      help: 'Records consumed (handled or dead-lettered), by topic and consumer group',
      labelNames: ['topic', 'group'],
    }),
    batchDuration: metrics.histogram({
      name: MessagingMetricNames.batchDuration,
      help: "Time to handle one partition's batch, retries and dead-lettering included, until its offsets are committed",
      labelNames: ['topic', 'group'],
      buckets: BATCH_BUCKETS,
    }),
    deadLetters: metrics.counter({
      name: MessagingMetricNames.deadLetters,
      help: 'Records sent to the dead-letter topic, by source topic, consumer group and kind (non-retryable, retries-exhausted)',
      labelNames: ['topic', 'group', 'kind'],
    }),
  };
}

export function outboxMetricsOf(metrics: MetricsRegistry) {
  return {
    unpublished: metrics.gauge({
      name: MessagingMetricNames.outboxUnpublished,
      help: 'Outbox rows not yet published to Kafka (measured periodically)',
      labelNames: [],
    }),
    oldestUnpublishedAge: metrics.gauge({
      name: MessagingMetricNames.outboxOldestUnpublishedAge,
      help: 'Age of the oldest unpublished outbox row, 0 when none (measured periodically)',
      labelNames: [],
    }),
    published: metrics.counter({
      name: MessagingMetricNames.outboxPublished,
      help: 'Outbox events published to Kafka (committed in a relay transaction), by topic',
      labelNames: ['topic'],
    }),
  };
}
