import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { AuditLogServiceConfig } from '../../apps/audit-log-service/src/audit-log-service.config';
import { GroupMembershipServiceConfig } from '../../apps/group-membership-service/src/group-membership-service.config';
import { ScimGatewayConfig } from '../../apps/scim-gateway/src/scim-gateway.config';
import { UserServiceConfig } from '../../apps/user-service/src/user-service.config';
import { PROJECT_ROOT, STACK_SERVICES } from '../local/stack';

/** The scrape configurations and the compose monitoring services follow the services: none missed, ports right. */
interface PrometheusConfig {
  scrape_configs: Array<{ job_name: string; metrics_path?: string; static_configs: Array<{ targets: string[] }> }>;
}

const defaultPorts: Record<string, number> = {
  'scim-gateway': new ScimGatewayConfig().HTTP_PORT,
  'user-service': new UserServiceConfig().HTTP_PORT,
  'group-membership-service': new GroupMembershipServiceConfig().HTTP_PORT,
  'audit-log-service': new AuditLogServiceConfig().HTTP_PORT,
};

function targetsOf(file: string): string[] {
  const config = parse(readFileSync(join(__dirname, file), 'utf8')) as PrometheusConfig;
  for (const job of config.scrape_configs) expect(job.metrics_path ?? '/metrics').toBe('/metrics');
  return config.scrape_configs.flatMap((job) => job.static_configs.flatMap((c) => c.targets)).sort();
}

describe('Prometheus scrape configuration', () => {
  it('knows every service of the stack, at the default port of its config class', () => {
    expect(STACK_SERVICES.map((s) => s.name).sort()).toEqual(Object.keys(defaultPorts).sort());
    for (const s of STACK_SERVICES) expect(s.port).toBe(defaultPorts[s.name]);
  });

  it('prometheus.yml scrapes each compose service by its name', () => {
    expect(targetsOf('prometheus.yml')).toEqual(STACK_SERVICES.map((s) => `${s.name}:${defaultPorts[s.name]}`).sort());
  });

  it('prometheus.local.yml scrapes the services `npm run up` starts on 127.0.0.1', () => {
    expect(targetsOf('prometheus.local.yml')).toEqual(STACK_SERVICES.map((s) => `127.0.0.1:${defaultPorts[s.name]}`).sort());
  });
});

describe('docker-compose.yml monitoring', () => {
  const compose = parse(readFileSync(join(PROJECT_ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
    services: Record<string, { image?: string; volumes?: string[] }>;
  };
  const mounts = (service: string) =>
    (compose.services[service].volumes ?? []).map((v) => {
      const [source, target] = v.split(':');
      return { source, target };
    });

  it('runs Prometheus with the scrape configuration of this directory', () => {
    expect(compose.services.prometheus.image).toMatch(/^prom\/prometheus:v\d+\.\d+\.\d+$/);
    expect(mounts('prometheus')).toContainEqual({ source: './deploy/prometheus/prometheus.yml', target: '/etc/prometheus/prometheus.yml' });
    expect(existsSync(join(PROJECT_ROOT, 'deploy/prometheus/prometheus.yml'))).toBe(true);
  });

  it('runs Grafana with the dashboard and a Prometheus data source pointing at the compose Prometheus', () => {
    expect(compose.services.grafana.image).toMatch(/^grafana\/grafana:\d+\.\d+\.\d+$/);
    const grafanaMounts = mounts('grafana');
    for (const { source } of grafanaMounts) expect(existsSync(join(PROJECT_ROOT, source))).toBe(true);
    expect(grafanaMounts).toContainEqual({ source: './deploy/grafana/scim-platform.json', target: '/etc/grafana/dashboards/scim-platform.json' });
    const provider = parse(readFileSync(join(PROJECT_ROOT, 'deploy/grafana/provisioning/dashboards/scim-platform.yml'), 'utf8')) as {
      providers: Array<{ options: { path: string } }>;
    };
    expect(provider.providers[0].options.path).toBe('/etc/grafana/dashboards');
    const datasources = parse(readFileSync(join(PROJECT_ROOT, 'deploy/grafana/provisioning/datasources/prometheus.yml'), 'utf8')) as {
      datasources: Array<{ type: string; url: string; isDefault: boolean }>;
    };
    expect(datasources.datasources).toEqual([expect.objectContaining({ type: 'prometheus', url: 'http://prometheus:9090', isDefault: true })]);
  });
});
