import type { MetricsRegistry } from './metrics-registry';

/**
 * Metrics of the audit pipeline: the gateway's request records (recorded, sent, dropped when the
 * buffer is full, waiting) and the audit log's ingest lag (from a request's answer, or a
 * change's time, to the row being queryable).
 */
export const AuditMetricNames = {
  records: 'scim_audit_request_records_total',
  buffered: 'scim_audit_request_records_buffered',
  ingestLag: 'scim_audit_ingest_lag_seconds',
} as const;

const LAG_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300];

export type RequestRecordMetrics = ReturnType<typeof requestRecordMetricsOf>;
export type AuditIngestMetrics = ReturnType<typeof auditIngestMetricsOf>;

export function requestRecordMetricsOf(metrics: MetricsRegistry) {
  return {
    records: metrics.counter({
      name: AuditMetricNames.records,
      help: 'Request records of the gateway by outcome: recorded (request answered), sent (taken by Kafka), dropped (buffer full or unsendable)',
      labelNames: ['outcome'],
    }),
    buffered: metrics.gauge({
      name: AuditMetricNames.buffered,
      help: 'Request records waiting in the gateway to be sent to Kafka',
      labelNames: [],
    }),
  };
}

export function auditIngestMetricsOf(metrics: MetricsRegistry) {
  return {
    ingestLag: metrics.histogram({
      name: AuditMetricNames.ingestLag,
      help: 'Time from a request being answered (kind=request) or a change happening (kind=change) to its audit row being committed',
      labelNames: ['kind'],
      buckets: LAG_BUCKETS,
    }),
  };
}
