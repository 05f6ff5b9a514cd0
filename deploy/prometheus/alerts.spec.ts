import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { AuditMetricNames, MessagingMetricNames } from '@app/observability';

interface RuleFile {
  groups: Array<{ name: string; rules: Array<{ alert: string; expr: string }> }>;
}

/** The metric names an expression reads: identifiers followed by a selector, a range or a comparison. */
function metricsIn(expr: string): string[] {
  return [...expr.matchAll(/\b(scim_[a-z_]+)\b/g)].map((m) => m[1]);
}

describe('deploy/prometheus/alerts.yml', () => {
  const rules = (parse(readFileSync(join(__dirname, 'alerts.yml'), 'utf8')) as RuleFile).groups.flatMap((g) => g.rules);
  const declared = new Set<string>([...Object.values(AuditMetricNames), ...Object.values(MessagingMetricNames)]);

  it('alerts on tenant quarantine risk, dead-letter growth, consumer lag and outbox backlog', () => {
    expect(rules.map((r) => r.alert)).toEqual(expect.arrayContaining(['ScimTenantQuarantineRisk', 'ScimDeadLettersGrowing', 'ScimConsumerLagHigh', 'ScimOutboxBacklog']));
  });

  it('reads only metrics the services declare', () => {
    for (const rule of rules) {
      const names = metricsIn(rule.expr);
      expect(names.length).toBeGreaterThan(0);
      for (const name of names) expect({ rule: rule.alert, name, declared: declared.has(name) }).toEqual({ rule: rule.alert, name, declared: true });
    }
  });

  it('is loaded by both Prometheus configurations', () => {
    for (const file of ['prometheus.yml', 'prometheus.local.yml']) {
      expect((parse(readFileSync(join(__dirname, file), 'utf8')) as { rule_files?: string[] }).rule_files).toEqual(['alerts.yml']);
    }
  });
});
