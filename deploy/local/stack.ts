import { spawn, ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, openSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { allTopicSpecs } from '@app/contracts';
import { createKafka, ensureTopics, KafkaConnection, parseBrokers } from '@app/messaging';
import { withDatabase } from '@app/persistence';
import { AdminClient, DEV_TENANT_PROFILE } from './admin-client';

/** The four services of the stack: where their built entry point is, their port and database. */
export interface StackService {
  name: 'scim-gateway' | 'user-service' | 'group-membership-service' | 'audit-log-service';
  port: number;
  database: string;
}

export const STACK_SERVICES: readonly StackService[] = [
  { name: 'user-service', port: 3101, database: 'scim_user_service' },
  { name: 'group-membership-service', port: 3102, database: 'scim_group_membership_service' },
  { name: 'audit-log-service', port: 3103, database: 'scim_audit_log_service' },
  { name: 'scim-gateway', port: 3100, database: 'scim_gateway' },
];

/** The directory holding the project's package.json, whether this file runs as source or built. */
export const PROJECT_ROOT = (() => {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
})();

export function builtEntryPoint(service: StackService['name']): string {
  return join(PROJECT_ROOT, 'dist', 'apps', service, 'src', 'main.js');
}

export interface StackSettings {
  /** URL of the Postgres server (any database on it); each service gets its own database. */
  postgresUrl: string;
  kafkaBrokers: string;
  topicPrefix?: string;
  /** Prepended to database names, so test runs get databases of their own. */
  databasePrefix?: string;
  /** 0 lets the OS choose (tests); otherwise the service's default port. */
  portOverride?: number;
  logLevel?: string;
  /** The service credential of the internal APIs (docs/security.md); default: this process's own. */
  internalApiToken?: string;
  extraEnv?: Record<string, string>;
}

/** The services that serve or call an internal API, and so hold the service credential. */
export const INTERNAL_API_SERVICES: ReadonlySet<StackService['name']> = new Set(['scim-gateway', 'user-service', 'group-membership-service']);

/**
 * A credential made for the stacks this process starts (tests), so that services started
 * together share one; `npm run up` keeps its own in .run/internal-api-token.
 */
export const PROCESS_INTERNAL_API_TOKEN = randomBytes(32).toString('base64url');

/**
 * The processes of a stack of N instances of each service: the first instance keeps the
 * service's name and port, instance i (from 2) is `<name>-i` on the port 10 × (i − 1) above. Each
 * instance reads from the same instance of the services it asks (the gateway's user and group
 * services, the group service's user-service); consumers share partitions through their groups,
 * and the gateways share the tenants' limits through their database.
 */
export function stackInstances(instances: number): Array<{ service: StackService; name: string; port: number; env: Record<string, string> }> {
  const portOf = (name: string, i: number) => STACK_SERVICES.find((s) => s.name === name)!.port + 10 * i;
  const result: Array<{ service: StackService; name: string; port: number; env: Record<string, string> }> = [];
  for (let i = 0; i < instances; i++) {
    const peers: Record<string, string> =
      i === 0 ? {} : { USER_SERVICE_URL: `http://127.0.0.1:${portOf('user-service', i)}`, GROUP_SERVICE_URL: `http://127.0.0.1:${portOf('group-membership-service', i)}` };
    for (const service of STACK_SERVICES) {
      const env = service.name === 'scim-gateway' ? peers : service.name === 'group-membership-service' && i > 0 ? { USER_SERVICE_URL: peers.USER_SERVICE_URL } : {};
      result.push({ service, name: i === 0 ? service.name : `${service.name}-${i + 1}`, port: service.port + 10 * i, env });
    }
  }
  return result;
}

/** The environment a service process is started with: every variable its config class reads. */
export function serviceEnvironment(service: StackService, settings: StackSettings): Record<string, string> {
  return {
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: String(settings.portOverride ?? service.port),
    KAFKA_BROKERS: settings.kafkaBrokers,
    DATABASE_URL: withDatabase(settings.postgresUrl, `${settings.databasePrefix ?? ''}${service.database}`),
    TOPIC_PREFIX: settings.topicPrefix ?? '',
    LOG_LEVEL: settings.logLevel ?? 'info',
    ...(INTERNAL_API_SERVICES.has(service.name) ? { INTERNAL_API_TOKEN: settings.internalApiToken ?? PROCESS_INTERNAL_API_TOKEN } : {}),
    ...settings.extraEnv,
  };
}

/** Starts a built service as a detached process with its output in `logFile`. */
export function spawnService(service: StackService, settings: StackSettings, logFile: string, detached: boolean): ChildProcess {
  const out = openSync(logFile, 'a');
  return spawn(process.execPath, ['-r', 'tsconfig-paths/register', builtEntryPoint(service.name)], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...serviceEnvironment(service, settings), TS_NODE_BASEURL: join(PROJECT_ROOT, 'dist') },
    stdio: ['ignore', out, out],
    detached,
  });
}

/**
 * Creates every topic the contracts declare (and their dead-letter topics), with a prefix if given.
 * `brokers` is a KAFKA_BROKERS list, or a whole connection (SASL, TLS) for a secured cluster.
 */
export async function provisionTopics(brokers: string | KafkaConnection, prefix = ''): Promise<string[]> {
  const connection = typeof brokers === 'string' ? { brokers: parseBrokers(brokers) } : brokers;
  const admin = createKafka({ ...connection, clientId: 'provision' }).admin();
  await admin.connect();
  try {
    return await ensureTopics(admin, allTopicSpecs(prefix));
  } finally {
    await admin.disconnect();
  }
}

/** Creates (or refreshes) the dev tenant through the admin API and issues it a token. */
export async function createDevTenant(gatewayUrl: string, adminToken: string): Promise<{ scimUrl: string; token: string }> {
  const tenant = await new AdminClient(gatewayUrl, adminToken).ensureTenant('dev', DEV_TENANT_PROFILE);
  return { scimUrl: tenant.scimUrl, token: tenant.token };
}

/** Polls `/health/ready` until it answers 200. */
export async function waitUntilReady(url: string, timeoutMs: number, isAlive: () => boolean = () => true): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (!isAlive()) throw new Error(`process exited before ${url} was ready`);
    try {
      const res = await fetch(`${url}/health/ready`);
      if (res.ok) return;
      last = `${res.status} ${await res.text()}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} not ready within ${timeoutMs} ms: ${last}`);
}
