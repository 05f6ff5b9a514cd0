import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IPrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import type { IServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { parse } from 'yaml';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { MetricsController } from '@app/observability';
import { PROJECT_ROOT } from '../local/stack';
import { LABEL_PART_OF, MONITORING_NAMESPACE, PART_OF } from './platform';
import { routesOf } from './routes';

/**
 * Monitoring with the Prometheus operator (kube-prometheus-stack): a ServiceMonitor scraping every
 * service's /metrics, the alert rules of deploy/prometheus/alerts.yml as a PrometheusRule, the
 * platform's Grafana dashboard as a ConfigMap that Grafana's dashboard
 * sidecar loads (label grafana_dashboard=1), and the network policy that lets Prometheus in.
 */
export const DASHBOARD_FILE = 'deploy/grafana/scim-platform.json';
export const ALERTS_FILE = 'deploy/prometheus/alerts.yml';
const [METRICS_PATH] = routesOf(MetricsController);

export function serviceMonitor(): IServiceMonitor {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: { name: 'scim-platform', labels: { [LABEL_PART_OF]: PART_OF } },
    spec: {
      selector: { matchLabels: { [LABEL_PART_OF]: PART_OF } },
      endpoints: [{ port: 'http', path: METRICS_PATH, interval: '15s', scrapeTimeout: '10s' }],
    },
  };
}

/** The dashboard file itself, never a copy: regenerated with the manifests. */
export function grafanaDashboard(): IConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'scim-platform-dashboard', labels: { [LABEL_PART_OF]: PART_OF, grafana_dashboard: '1' } },
    data: { 'scim-platform.json': readFileSync(join(PROJECT_ROOT, DASHBOARD_FILE), 'utf8') },
  };
}

/** The rule groups of the alerts file itself, as the operator's Prometheus loads them. */
export function prometheusRule(): IPrometheusRule {
  const { groups } = parse(readFileSync(join(PROJECT_ROOT, ALERTS_FILE), 'utf8')) as Pick<NonNullable<IPrometheusRule['spec']>, 'groups'>;
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: { name: 'scim-platform', labels: { [LABEL_PART_OF]: PART_OF } },
    spec: { groups },
  };
}

/** /metrics is served on each service's HTTP port; only Prometheus's namespace may scrape it. */
export function prometheusNetworkPolicy(): INetworkPolicy {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'scim-platform-allow-prometheus', labels: { [LABEL_PART_OF]: PART_OF } },
    spec: {
      podSelector: { matchLabels: { [LABEL_PART_OF]: PART_OF } },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': MONITORING_NAMESPACE } } }],
          ports: [{ protocol: 'TCP', port: 'http' }],
        },
      ],
    },
  };
}
