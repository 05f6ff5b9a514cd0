/** Kafka header names used across the platform. Values are UTF-8 strings. */
export const Headers = {
  /** Unique id of this message (command id, CloudEvents id); consumers deduplicate on it. */
  messageId: 'message-id',
  correlationId: 'correlation-id',
  /** W3C trace context (https://www.w3.org/TR/trace-context/) of the span that sent the record, or of the command an event follows. */
  traceparent: 'traceparent',
  tracestate: 'tracestate',
  tenantId: 'tenant-id',
  /** Set on command records: the gateway instance waiting for the reply. */
  replyTo: 'reply-to',
  contentType: 'content-type',
  /**
   * Set by the outbox relay on every event and on the state records derived from it: the outbox
   * row's id, increasing in commit order per owning service. A subscriber that bootstrapped from a
   * state topic skips the events whose sequence its state already covers (docs/consumers.md).
   */
  outboxSequence: 'outbox-sequence',
  /** On a message replayed from the audit log's dead letters: the dead letter's id. */
  replayOf: 'replay-of',
  // Dead-letter records carry the original coordinates and the error.
  dltOriginalTopic: 'dlt-original-topic',
  dltOriginalPartition: 'dlt-original-partition',
  dltOriginalOffset: 'dlt-original-offset',
  dltConsumerGroup: 'dlt-consumer-group',
  dltError: 'dlt-error',
  dltErrorKind: 'dlt-error-kind',
  dltAttempts: 'dlt-attempts',
  dltFailedAt: 'dlt-failed-at',
} as const;

export const CLOUDEVENTS_CONTENT_TYPE = 'application/cloudevents+json; charset=UTF-8';
