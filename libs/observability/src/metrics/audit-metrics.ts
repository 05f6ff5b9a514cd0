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
  tenantHealthState: 'scim_tenant_health_state',
  tenantFailureShare: 'scim_tenant_failure_share',
  tenantErrorRate: 'scim_tenant_error_rate',
  tenantRequests: 'scim_tenant_requests_in_window',
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

export type TenantHealthMetrics = ReturnType<typeof tenantHealthMetricsOf>;

/**
 * Tenant health as the audit log assesses it over Entra's window (docs/audit.md), sampled
 * periodically; deploy/prometheus/alerts.yml alerts on the state. Labels: the tenant's id and
 * registry name; the state's first reason as a code.
 */
export function tenantHealthMetricsOf(metrics: MetricsRegistry) {
  return {
    state: metrics.gauge({
      name: AuditMetricNames.tenantHealthState,
      help: 'Tenant health over the window: 0 healthy or idle, 1 warning, 2 quarantine risk; reason is the worst reason code',
      labelNames: ['tenant_id', 'tenant', 'reason'],
    }),
    failureShare: metrics.gauge({
      name: AuditMetricNames.tenantFailureShare,
      help: "Share of the tenant's requests in the window that failed, by kind: client (4xx), server (5xx, 499), throttled (429), unauthorized (401)",
      labelNames: ['tenant_id', 'tenant', 'kind'],
    }),
    errorRate: metrics.gauge({
      name: AuditMetricNames.tenantErrorRate,
      help: 'Failed requests other than 429 over requests other than 429, in the window',
      labelNames: ['tenant_id', 'tenant'],
    }),
    requests: metrics.gauge({
      name: AuditMetricNames.tenantRequests,
      help: 'Requests of the tenant in the window',
      labelNames: ['tenant_id', 'tenant'],
    }),
  };
}
