import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { auditLogServiceDefinition } from '../../apps/audit-log-service/src/audit-log-service.definition';
import { groupMembershipServiceDefinition } from '../../apps/group-membership-service/src/group-membership-service.definition';
import { scimGatewayDefinition } from '../../apps/scim-gateway/src/scim-gateway.definition';
import { userServiceDefinition } from '../../apps/user-service/src/user-service.definition';
import { KAFKA_IMAGE, POSTGRES_IMAGE } from './images';
import { PROJECT_ROOT, serviceEnvironment, STACK_SERVICES } from './stack';

/**
 * docker-compose.yml cannot run on a machine without Docker; this keeps it consistent with the
 * local scripts: same services, variables, ports, databases, broker version and topics.
 */
interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
}

const compose = parse(readFileSync(join(PROJECT_ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};
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

  it('creates the contracts’ topics before any service starts', () => {
    const init = compose.services['topics-init'];
    expect(init.command).toEqual(['node', '-r', 'tsconfig-paths/register', 'dist/deploy/local/provision-topics.js']);
    expect(existsSync(join(__dirname, 'provision-topics.ts'))).toBe(true);
    expect(init.depends_on?.kafka.condition).toBe('service_healthy');
    for (const s of STACK_SERVICES) {
      expect(compose.services[s.name].depends_on?.['topics-init'].condition).toBe('service_completed_successfully');
    }
  });

  it.each(STACK_SERVICES.map((s) => [s.name, s] as const))('%s has the variables, port and database the local stack gives it', (name, service) => {
    const composed = compose.services[name];
    expect(composed.build).toEqual({ context: '.', dockerfile: 'deploy/docker/Dockerfile' });
    expect(existsSync(join(PROJECT_ROOT, composed.build!.dockerfile))).toBe(true);
    const env = composed.environment!;
    expect(env.APP).toBe(name);
    expect(env.HTTP_PORT).toBe(String(service.port));
    expect(new URL(env.DATABASE_URL).pathname).toBe(`/${service.database}`);
    expect(env.KAFKA_BROKERS).toBe('kafka:9092');

    const local = serviceEnvironment(service, { postgresUrl: 'postgres://p@h:5432/postgres', kafkaBrokers: 'h:9092' });
    for (const variable of Object.keys(local)) expect(env).toHaveProperty(variable);

    // Every variable compose sets (but the image's APP selector) is one the service's config accepts.
    // As compose would pass them with nothing set in the shell: `${VAR:-default}` becomes the default.
    const { APP: _app, ...raw } = env;
    const serviceVariables = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, String(v).replace(/\$\{\w+:-([^}]*)\}/g, '$1')]));
    const config = definitions[name](serviceVariables).config as object;
    for (const variable of Object.keys(serviceVariables)) expect(Object.keys(config)).toContain(variable);
  });
});
