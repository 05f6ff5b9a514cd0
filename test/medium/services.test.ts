import { randomBytes } from 'node:crypto';
import { AdminClient } from '../../deploy/local/admin-client';
import { serviceEnvironment, STACK_SERVICES } from '../../deploy/local/stack';
import { dropTestDatabase } from './support/databases';
import { createPrefixedTopics, deletePrefixedTopics, testKafka } from './support/kafka-helpers';
import { uniqueId, uniqueTopicPrefix } from './support/names';
import { freePort, ServiceProcess } from './support/processes';
import { readInfra } from './support/test-infra';

/** The four built services, started exactly as `npm run up` starts them, on the real broker and Postgres. */
const infra = readInfra();
const kafka = testKafka(infra.kafkaBrokers);
const prefix = uniqueTopicPrefix('stack');
const databasePrefix = `${uniqueId('t').toLowerCase()}_`;
const started: ServiceProcess[] = [];

beforeAll(async () => {
  await createPrefixedTopics(kafka, prefix);
});

afterAll(async () => {
  await Promise.all(started.map((p) => p.kill('SIGKILL')));
  await deletePrefixedTopics(kafka, prefix).catch(() => undefined);
  for (const s of STACK_SERVICES) {
    const env = serviceEnvironment(s, { postgresUrl: infra.postgresUrl, kafkaBrokers: infra.kafkaBrokers, databasePrefix });
    await dropTestDatabase(env.DATABASE_URL).catch(() => undefined);
  }
});

describe('each service process', () => {
  it.each(STACK_SERVICES.map((s) => [s.name, s] as const))('%s creates its database, migrates, reports ready and stops cleanly on SIGTERM', async (name, service) => {
    const env = serviceEnvironment(service, {
      postgresUrl: infra.postgresUrl,
      kafkaBrokers: infra.kafkaBrokers,
      topicPrefix: prefix,
      databasePrefix,
      portOverride: await freePort(),
    });
    const p = ServiceProcess.built(name, env, `${prefix}${name}`);
    started.push(p);
    await p.waitReady();

    const live = await fetch(`${p.url}/health`);
    expect(live.status).toBe(200);
    const ready = await fetch(`${p.url}/health/ready`);
    const readiness = (await ready.json()) as { status: string; checks: Record<string, { status: string }> };
    expect(readiness.status).toBe('ok');
    expect(readiness.checks).toMatchObject({ database: { status: 'up' }, kafka: { status: 'up' } });
    // Services that consume are ready only once their consumer group is joined.
    if (name !== 'scim-gateway') expect(readiness.checks.consumer).toEqual({ name: 'consumer', status: 'up' });
    expect(Object.values(readiness.checks).every((c) => c.status === 'up')).toBe(true);

    expect(await p.kill('SIGTERM')).toBe(0);
    const lines = p.logLines();
    expect(lines.every((l) => l.service === name && typeof l.time === 'string' && typeof l.level === 'string')).toBe(true);
    expect(lines.map((l) => l.message)).toEqual(expect.arrayContaining(['ready', 'signal received', 'stopped']));
  });

  it('exits non-zero before starting anything when its configuration is bad, naming every bad variable', async () => {
    const p = ServiceProcess.built(
      'user-service',
      { HTTP_PORT: 'eighty', KAFKA_BROKERS: 'not-a-broker-list', DATABASE_URL: '', PARTITIONS_CONSUMED_CONCURRENTLY: '0' },
      `${prefix}bad-config`,
    );
    const code = await p.exited;
    expect(code).toBe(78);
    const output = p.log();
    for (const variable of ['HTTP_PORT', 'KAFKA_BROKERS', 'DATABASE_URL', 'PARTITIONS_CONSUMED_CONCURRENTLY']) {
      expect(output).toContain(variable);
    }
    expect(output).toMatch(/HTTP_PORT[^\n]*eighty/);
  });

  it('reports not ready, naming the database, when its database goes away', async () => {
    const service = STACK_SERVICES.find((s) => s.name === 'audit-log-service')!;
    const env = serviceEnvironment(service, {
      postgresUrl: infra.postgresUrl,
      kafkaBrokers: infra.kafkaBrokers,
      topicPrefix: prefix,
      databasePrefix: `${databasePrefix}gone_`,
      portOverride: await freePort(),
    });
    const p = ServiceProcess.built(service.name, env, `${prefix}gone`);
    started.push(p);
    await p.waitReady();
    await dropTestDatabase(env.DATABASE_URL); // terminates its connections and removes the database
    let body: { status?: string; checks?: Record<string, { status: string }> } = {};
    for (let i = 0; i < 20 && body.status !== 'unavailable'; i++) {
      const res = await fetch(`${p.url}/health/ready`);
      body = (await res.json()) as typeof body;
      if (res.status === 503) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(body.status).toBe('unavailable');
    expect(body.checks?.database.status).toBe('down');
    expect(body.checks?.kafka.status).toBe('up');
  });

  it('answers a SCIM request 503 with Retry-After, not 500, while the tenant registry database is away', async () => {
    const service = STACK_SERVICES.find((s) => s.name === 'scim-gateway')!;
    const adminToken = randomBytes(32).toString('base64url');
    const env = serviceEnvironment(service, {
      postgresUrl: infra.postgresUrl,
      kafkaBrokers: infra.kafkaBrokers,
      topicPrefix: prefix,
      databasePrefix: `${databasePrefix}regone_`,
      portOverride: await freePort(),
      extraEnv: { ADMIN_TOKEN: adminToken, USER_GROUPS_ATTRIBUTE: 'false' },
    });
    const p = ServiceProcess.built(service.name, env, `${prefix}registry-gone`);
    started.push(p);
    await p.waitReady();
    const tenant = await new AdminClient(p.url, adminToken).createTenant(uniqueId('tenant'), {});
    await dropTestDatabase(env.DATABASE_URL);
    const res = await fetch(`${tenant.scimUrl}/Users`, { headers: { authorization: `Bearer ${tenant.token}` } });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(((await res.json()) as { schemas: string[] }).schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
  });
});
