import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { auditIngestMetricsOf, consumerMetricsOf, httpMetricsOf, MetricsRegistry, outboxMetricsOf, requestRecordMetricsOf } from '@app/observability';

/**
 * The dashboard and the code cannot drift apart: every query of deploy/grafana/scim-platform.json
 * names only metrics the services register (process metrics included), and every metric of our
 * own is on a panel.
 */
interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  targets?: Array<{ expr?: string }>;
  panels?: Panel[];
}

interface Dashboard {
  uid: string;
  panels: Panel[];
  templating: { list: Array<{ name: string; type: string; query: string | { query: string } }> };
}

const dashboard = JSON.parse(readFileSync(join(__dirname, 'scim-platform.json'), 'utf8')) as Dashboard;
const panels = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
const queryPanels = panels.filter((p) => p.type !== 'row');

/** What a service registers: the process metrics, HTTP, and (with a consumer and a relay) messaging. */
function registeredNames(): Set<string> {
  const metrics = new MetricsRegistry({ service: 'dashboard-spec' });
  httpMetricsOf(metrics);
  consumerMetricsOf(metrics);
  outboxMetricsOf(metrics);
  requestRecordMetricsOf(metrics);
  auditIngestMetricsOf(metrics);
  return new Set(metrics.exposedNames());
}

const PROMQL_WORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset', 'inf', 'nan']);

/** The metric names a PromQL expression (or a Grafana `label_values(metric, label)` query) reads. */
function metricNamesIn(expr: string): string[] {
  const labelValues = /^\s*label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)/.exec(expr);
  if (labelValues) return [labelValues[1]];
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""') // label values and quantile strings
    .replace(/\{[^}]*\}/g, ' ') // label matchers
    .replace(/\[[^\]]*\]/g, ' ') // ranges, $__rate_interval
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' '); // grouping labels
  const names: string[] = [];
  for (const m of stripped.matchAll(/(?<![\w$.])([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)) {
    if (m[2] || PROMQL_WORDS.has(m[1].toLowerCase())) continue; // a function or aggregation, or a keyword
    names.push(m[1]);
  }
  return [...new Set(names)];
}

describe('metricNamesIn', () => {
  it.each([
    ['sum by (route, status) (rate(scim_http_requests_total{service=~"$service",status=~"5.."}[$__rate_interval]))', ['scim_http_requests_total']],
    ['histogram_quantile(0.99, sum by (le, route) (rate(scim_http_request_duration_seconds_bucket[5m])))', ['scim_http_request_duration_seconds_bucket']],
    ['topk(10, sum by (tenant) (increase(scim_http_requests_total{tenant!="none"}[$__range])))', ['scim_http_requests_total']],
    ['sum(rate(a_total[1m])) / on (service) group_left sum(rate(b_total[1m])) > bool 0.5', ['a_total', 'b_total']],
    ['max by (group, topic, partition) (scim_kafka_consumer_lag) offset 5m', ['scim_kafka_consumer_lag']],
    ['label_values(process_start_time_seconds, service)', ['process_start_time_seconds']],
  ])('%s reads %j', (expr, expected) => expect(metricNamesIn(expr)).toEqual(expected));
});

describe('deploy/grafana/scim-platform.json', () => {
  const registered = registeredNames();

  it('queries only metrics the services register', () => {
    const unknown: string[] = [];
    for (const panel of queryPanels) {
      expect(panel.targets?.length).toBeGreaterThan(0);
      for (const target of panel.targets ?? []) {
        const names = metricNamesIn(target.expr ?? '');
        expect(names.length).toBeGreaterThan(0); // a query that reads nothing is a broken panel
        for (const name of names) if (!registered.has(name)) unknown.push(`${panel.title}: ${name}`);
      }
    }
    for (const variable of dashboard.templating.list.filter((v) => v.type === 'query')) {
      const query = typeof variable.query === 'string' ? variable.query : variable.query.query;
      for (const name of metricNamesIn(query)) if (!registered.has(name)) unknown.push(`variable ${variable.name}: ${name}`);
    }
    expect(unknown).toEqual([]);
  });

  it('shows every metric of our own', () => {
    const queried = new Set(queryPanels.flatMap((p) => (p.targets ?? []).flatMap((t) => metricNamesIn(t.expr ?? ''))));
    const ours = [...registered].filter((n) => n.startsWith('scim_') && !/_(sum|count)$/.test(n));
    const family = (n: string) => n.replace(/_bucket$/, '');
    const missing = ours.filter((n) => ![...queried].some((q) => family(q) === family(n)));
    expect(missing).toEqual([]);
  });

  it('reads from the Prometheus data source chosen in its variable, with unique panel ids', () => {
    const variable = dashboard.templating.list.find((v) => v.name === 'datasource');
    expect(variable).toMatchObject({ type: 'datasource', query: 'prometheus' });
    for (const panel of queryPanels) expect(panel.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(dashboard.uid).toBe('scim-platform');
  });

  it('has the panels operators look for', () => {
    const titles = queryPanels.map((p) => p.title);
    for (const title of [
      'Request rate by route and status',
      'Error rate',
      'Latency p50 by route',
      'Latency p99 by route',
      'Requests by tenant (top 10)',
      'Consumer lag by topic',
      'Outbox backlog',
      'Dead letters',
    ]) {
      expect(titles).toContain(title);
    }
  });
});
