import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { AuditRoutes, Topics } from '@app/contracts';
import { AdminClient } from '../../deploy/local/admin-client';
import { serviceEnvironment, STACK_SERVICES, StackService } from '../../deploy/local/stack';
import { kafkaUserOf } from '../../deploy/kubernetes/platform';
import { dropTestDatabase } from './support/databases';
import { uniqueId } from './support/names';
import { freePort, ServiceProcess } from './support/processes';
import { readInfra, ROOT } from './support/test-infra';
import { ENTERPRISE, ScimClient, USER_SCHEMA } from './support/scim-stack';

/**
 * The production Kafka setup on a real broker: the compose broker's configuration
 * (deploy/docker/kafka/server.properties: SASL/SCRAM-SHA-512 only, ACLs enforced), SCRAM users
 * made at format time as start.sh makes them, topics and ACLs granted by the provisioning job
 * as docker-compose's kafka-init runs it (the same ACLs the Strimzi KafkaUsers carry). The four
 * services, each as its own principal, then serve Entra's writes end to end — so the ACLs are
 * enough — and a principal cannot touch what its ACLs do not name.
 */
const infra = readInfra();
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const runDir = join(ROOT, '.run', 'test-kafka-sasl', uniqueId('b'));
const adminPassword = randomBytes(18).toString('hex');
const passwords = Object.fromEntries(STACK_SERVICES.map((s) => [s.name, randomBytes(18).toString('hex')])) as Record<StackService['name'], string>;
const databasePrefix = `${uniqueId('t').toLowerCase()}_`;
let broker: ChildProcess | undefined;
let brokers = '';
const processes: ServiceProcess[] = [];

function kafkaLibs(): string {
  execFileSync('bash', [join(ROOT, 'deploy', 'local', 'kafka.sh'), 'fetch'], { stdio: 'inherit' });
  const version = /^KAFKA_VERSION=(.+)$/m.exec(readFileSync(join(ROOT, 'deploy', 'local', 'kafka.env'), 'utf8'))![1];
  const cache = process.env.KAFKA_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'scim-platform', 'kafka');
  return join(cache, version, 'libs', '*');
}

const saslClient = (username: string, password: string) =>
  new Kafka({ clientId: 'acl-test', brokers: [brokers], sasl: { mechanism: 'scram-sha-512', username, password }, logLevel: logLevel.NOTHING, retry: { retries: 2 } });

async function startBroker(): Promise<void> {
  const [port, controllerPort] = [await freePort(), await freePort()];
  brokers = `127.0.0.1:${port}`;
  mkdirSync(runDir, { recursive: true });
  // The compose configuration, moved to private ports and a private data directory.
  const properties = readFileSync(join(ROOT, 'deploy', 'docker', 'kafka', 'server.properties'), 'utf8')
    .replaceAll('@KAFKA_ADMIN_PASSWORD@', adminPassword)
    .replace(/127\.0\.0\.1:9093/g, `127.0.0.1:${controllerPort}`)
    .replace('SASL_PLAINTEXT://0.0.0.0:9092', `SASL_PLAINTEXT://127.0.0.1:${port}`)
    .replace('SASL_PLAINTEXT://kafka:9092', `SASL_PLAINTEXT://127.0.0.1:${port}`)
    .replace(/^log\.dirs=.*$/m, `log.dirs=${join(runDir, 'data')}`);
  writeFileSync(join(runDir, 'server.properties'), properties);
  const cp = kafkaLibs();
  const scram = [['admin', adminPassword], ...STACK_SERVICES.map((s) => [kafkaUserOf(s.name), passwords[s.name]])].flatMap(([name, pw]) => [
    '--add-scram',
    `SCRAM-SHA-512=[name=${name},password=${pw}]`,
  ]);
  const format = spawnSync('java', ['-cp', cp, 'kafka.tools.StorageTool', 'format', '-t', 'scimSaslAclTestCluster', '-c', join(runDir, 'server.properties'), ...scram], {
    encoding: 'utf8',
  });
  if (format.status !== 0) throw new Error(`format failed: ${format.stdout}${format.stderr}`);
  const log = openSync(join(runDir, 'kafka.log'), 'a');
  broker = spawn(
    'java',
    [
      '-Xms128m',
      '-Xmx512m',
      '-cp',
      cp,
      `-Dlog4j2.configurationFile=${join(ROOT, 'deploy', 'local', 'kafka', 'log4j2.properties')}`,
      'kafka.Kafka',
      join(runDir, 'server.properties'),
    ],
    { stdio: ['ignore', log, log] },
  );
  const admin = saslClient('admin', adminPassword).admin();
  const deadline = Date.now() + 90_000;
  for (;;) {
    try {
      await admin.connect();
      await admin.describeCluster();
      await admin.disconnect();
      return;
    } catch (err) {
      if (Date.now() > deadline || broker.exitCode !== null)
        throw new Error(`SASL broker did not start: ${(err as Error).message}\n${readFileSync(join(runDir, 'kafka.log'), 'utf8').slice(-3000)}`, { cause: err });
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

function runProvisioning(): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, ['-r', 'tsconfig-paths/register', join(ROOT, 'dist', 'deploy', 'local', 'provision-topics.js')], {
    cwd: ROOT,
    env: {
      ...process.env,
      TS_NODE_BASEURL: join(ROOT, 'dist'),
      KAFKA_BROKERS: brokers,
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'admin',
      KAFKA_SASL_PASSWORD: adminPassword,
      KAFKA_PROVISION_ACLS: 'true',
      TOPIC_PREFIX: '',
    },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, out: r.stdout + r.stderr };
}

async function startService(name: StackService['name'], extra: Record<string, string>): Promise<string> {
  const port = await freePort();
  const env = serviceEnvironment(
    STACK_SERVICES.find((s) => s.name === name)!,
    {
      postgresUrl: infra.postgresUrl,
      kafkaBrokers: brokers,
      databasePrefix,
      portOverride: port,
      extraEnv: { KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: kafkaUserOf(name), KAFKA_SASL_PASSWORD: passwords[name], KAFKA_SESSION_TIMEOUT_MS: '6000', ...extra },
    },
  );
  const p = ServiceProcess.built(name, env, `kafka-sasl-${databasePrefix}${name}`);
  processes.push(p);
  await p.waitReady(90_000);
  return p.url;
}

async function eventually<T>(probe: () => Promise<T>, ok: (v: T) => boolean, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('production Kafka: SASL/SCRAM with the generated ACLs', () => {
  const adminToken = randomBytes(32).toString('base64url');
  const opsToken = randomBytes(32).toString('base64url');
  let gatewayUrl = '';
  let auditUrl = '';

  beforeAll(async () => {
    await startBroker();
    const provisioned = runProvisioning();
    expect(provisioned).toMatchObject({ status: 0 });
    const userUrl = await startService('user-service', {});
    const groupUrl = await startService('group-membership-service', { USER_SERVICE_URL: userUrl });
    auditUrl = await startService('audit-log-service', { AUDIT_OPS_TOKEN: opsToken });
    gatewayUrl = await startService('scim-gateway', { ADMIN_TOKEN: adminToken, USER_SERVICE_URL: userUrl, GROUP_SERVICE_URL: groupUrl });
  }, 240_000);

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.kill('SIGKILL')));
    broker?.kill('SIGKILL');
    if (broker && broker.exitCode === null) await new Promise((r) => broker!.once('exit', r));
    if (!process.env.KEEP_RUN) rmSync(runDir, { recursive: true, force: true });
    for (const s of STACK_SERVICES) {
      const env = serviceEnvironment(s, { postgresUrl: infra.postgresUrl, kafkaBrokers: '', databasePrefix });
      await dropTestDatabase(env.DATABASE_URL).catch(() => undefined);
    }
  });

  it('every service works as its own principal: a user and a group are created, decided, evented and audited', async () => {
    const tenant = await new AdminClient(gatewayUrl, adminToken).createTenant(uniqueId('acl'), {});
    const client = new ScimClient(tenant);
    const user = await client.post('/Users', { schemas: [USER_SCHEMA, ENTERPRISE], userName: `${uniqueId('u')}@example.com`, active: true });
    expect(user.status).toBe(201);
    expect(
      (
        await client.patch(`/Users/${user.body.id}`, {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [{ op: 'replace', path: 'displayName', value: 'Ada' }],
        })
      ).status,
    ).toBe(200);
    // The group service learns the user from scim.user-events.v1 (published by the user-service's transactional relay).
    const group = await client.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: uniqueId('g'), members: [{ value: user.body.id }] });
    expect(group.status).toBe(201);
    expect((await client.get(`/Groups/${group.body.id}`)).body.members).toEqual([expect.objectContaining({ value: user.body.id })]);

    // The audit log consumed the request records and both services' events.
    const audit = (path: string) =>
      fetch(`${auditUrl}${path}`, { headers: { authorization: `Bearer ${opsToken}` } }).then((r) => r.json() as Promise<{ items: Array<{ type?: string }> }>);
    const changes = await eventually(
      () => audit(`${AuditRoutes.changes}?tenantId=${tenant.tenantId}`),
      (page) => ['scim.user.created', 'scim.user.updated', 'scim.group.created'].every((t) => page.items?.some((c) => c.type === t)),
      'the user and group changes in the audit log',
    );
    expect(changes.items.length).toBeGreaterThanOrEqual(3);
    await eventually(
      () => audit(`${AuditRoutes.requests}?tenantId=${tenant.tenantId}`),
      (page) => (page.items?.length ?? 0) >= 4,
      'the request records in the audit log',
    );

    // No service met an authorization error on its way.
    for (const p of processes) expect({ service: p.name, denied: /AUTHORIZATION_FAILED|not authorized/i.test(p.log()) }).toEqual({ service: p.name, denied: false });
  }, 120_000);

  it('a principal cannot use what its ACLs do not name, and an unknown one cannot connect', async () => {
    // The audit log writes only the consumed topics it replays dead letters to, never a state topic;
    // the gateway writes commands, not events.
    for (const [service, topic] of [
      ['audit-log-service', Topics.userState],
      ['scim-gateway', Topics.userEvents],
    ] as const) {
      const producer = saslClient(kafkaUserOf(service), passwords[service]).producer({ allowAutoTopicCreation: false, retry: { retries: 0 } });
      await producer.connect();
      await expect(producer.send({ topic, messages: [{ value: '{}' }] })).rejects.toThrow(/not authorized/i);
      await producer.disconnect();
    }
    // The gateway may not join the user-service's consumer group: without Read on the group the
    // broker refuses to name its coordinator (kafkajs reports that as "Failed to find group coordinator").
    const consumer = saslClient(kafkaUserOf('scim-gateway'), passwords['scim-gateway']).consumer({ groupId: 'user-service', retry: { retries: 0 } });
    await consumer.connect();
    await consumer.subscribe({ topic: Topics.commandReplies });
    const crashed = new Promise<Error>((resolve) => consumer.on(consumer.events.CRASH, (e) => resolve(e.payload.error)));
    await consumer.run({ eachMessage: async () => undefined });
    expect((await crashed).name).toBe('KafkaJSGroupCoordinatorNotFound');
    await consumer.disconnect();
    // A wrong password is refused.
    const stranger = saslClient(kafkaUserOf('user-service'), 'not-the-password').admin();
    await expect(stranger.connect()).rejects.toThrow(/authentication|SASL/i);
  }, 60_000);
});
