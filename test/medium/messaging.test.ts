import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { deadLetterTopicOf, Headers, Topics } from '@app/contracts';
import { dropTestDatabase, testDatabaseUrl } from './support/databases';
import { createPrefixedTopics, deletePrefixedTopics, produce, testKafka, TopicCollector } from './support/kafka-helpers';
import { uniqueTopicPrefix } from './support/names';
import { freePort, ServiceProcess } from './support/processes';
import { readInfra } from './support/test-infra';

/**
 * The messaging guarantees, end to end on the real broker and Postgres, through a real service
 * process (test/medium/fixtures/ledger-service.ts) built on the production messaging libs.
 */
const infra = readInfra();
const kafka = testKafka(infra.kafkaBrokers);

interface Scenario {
  prefix: string;
  databaseUrl: string;
  events: TopicCollector;
  processes: ServiceProcess[];
}

const scenarios: Scenario[] = [];

async function scenario(label: string): Promise<Scenario> {
  const prefix = uniqueTopicPrefix(label);
  await createPrefixedTopics(kafka, prefix);
  const events = await new TopicCollector(kafka, prefix + Topics.userEvents).start();
  const s = { prefix, databaseUrl: testDatabaseUrl(infra.postgresUrl, label), events, processes: [] };
  scenarios.push(s);
  return s;
}

async function startLedger(s: Scenario, env: Record<string, string> = {}): Promise<ServiceProcess> {
  const port = await freePort();
  const p = ServiceProcess.fixture(
    'test/medium/fixtures/ledger-service.ts',
    {
      HTTP_PORT: String(port),
      KAFKA_BROKERS: infra.kafkaBrokers,
      DATABASE_URL: s.databaseUrl,
      TOPIC_PREFIX: s.prefix,
      LOG_LEVEL: 'info',
      KAFKA_SESSION_TIMEOUT_MS: '6000', // a SIGKILLed member leaves the group sooner
      ...env,
    },
    `${s.prefix}ledger-${s.processes.length}`,
  );
  s.processes.push(p);
  return p;
}

/** A well-formed user.create (the topic's schema is checked on consumption); the ledger reads only its resource. */
function command(tenantId: string, resource: Record<string, unknown> = {}) {
  const commandId = randomUUID();
  const profile = { extensions: [], mutabilityOverrides: {}, unknownAttributes: 'strict' as const };
  return {
    key: tenantId,
    value: { commandId, type: 'user.create' as const, tenantId, issuedAt: new Date().toISOString(), payload: { profile, resource: { n: commandId, ...resource } } },
  };
}

function commands(count: number, tenants = 5) {
  return Array.from({ length: count }, (_, i) => command(`tenant-${i % tenants}`));
}

async function ledgerRows(databaseUrl: string): Promise<string[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ command_id: string }>('SELECT command_id FROM ledger_entries ORDER BY command_id');
    return rows.map((r) => r.command_id);
  } finally {
    await client.end();
  }
}

async function unpublishedOutboxRows(databaseUrl: string): Promise<number> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM outbox WHERE published_at IS NULL');
    return Number(rows[0].n);
  } finally {
    await client.end();
  }
}

function eventSubjects(events: TopicCollector): string[] {
  return events.json<{ subject: string }>().map((e) => e.subject);
}

function expectExactlyOnce(events: TopicCollector, sent: Array<{ value: { commandId: string } }>): void {
  const subjects = eventSubjects(events);
  expect(subjects).toHaveLength(sent.length);
  expect(new Set(subjects)).toEqual(new Set(sent.map((c) => c.value.commandId)));
}

afterAll(async () => {
  for (const s of scenarios) {
    await Promise.all(s.processes.map((p) => p.kill('SIGKILL')));
    await s.events.stop();
    await deletePrefixedTopics(kafka, s.prefix).catch(() => undefined);
    await dropTestDatabase(s.databaseUrl).catch(() => undefined);
  }
});

describe('messaging through a real service, Kafka and Postgres', () => {
  it('consumes each command once, stores its effect and publishes its event exactly once', async () => {
    const s = await scenario('happy');
    const ledger = await startLedger(s);
    await ledger.waitReady();
    const sent = commands(60);
    await produce(kafka, s.prefix + Topics.userCommands, sent);

    await s.events.waitFor(60);
    await s.events.settle(2000);
    expectExactlyOnce(s.events, sent);
    expect(await ledgerRows(s.databaseUrl)).toHaveLength(60);
    expect(await unpublishedOutboxRows(s.databaseUrl)).toBe(0);
    const event = s.events.records[0];
    expect(event.headers[Headers.contentType]).toContain('application/cloudevents+json');
    expect(event.headers[Headers.messageId]).toMatch(/^event-/);
  });

  it('applies each command once when the consumer is SIGKILLed after its database commit and before its offset commit', async () => {
    const s = await scenario('killconsumer');
    const sent = commands(40);
    await produce(kafka, s.prefix + Topics.userCommands, sent);

    const doomed = await startLedger(s, { LEDGER_KILL_BEFORE_OFFSET_COMMIT: '1' });
    const exit = await doomed.exited;
    expect(exit).toBeNull(); // killed by the signal, not exited
    const storedBeforeCrash = await ledgerRows(s.databaseUrl);
    expect(storedBeforeCrash.length).toBeGreaterThan(0); // its transaction had committed

    const restarted = await startLedger(s);
    await restarted.waitReady();
    await s.events.waitFor(40);
    await s.events.settle(2000);
    expectExactlyOnce(s.events, sent);
    expect(await ledgerRows(s.databaseUrl)).toHaveLength(40);
    // The restarted consumer saw the redelivered records and skipped them as already processed.
    expect(restarted.log()).toContain('ledger command handled');
  });

  it('publishes each event once when the relay is SIGKILLed after publishing and before deleting its rows', async () => {
    const s = await scenario('killrelay');
    const state = await new TopicCollector(kafka, s.prefix + Topics.userState).start();
    const sent = commands(40);
    await produce(kafka, s.prefix + Topics.userCommands, sent);

    const doomed = await startLedger(s, { LEDGER_KILL_AFTER_PUBLISH: '1' });
    expect(await doomed.exited).toBeNull();
    expect(await unpublishedOutboxRows(s.databaseUrl)).toBeGreaterThan(0); // published but never marked

    const restarted = await startLedger(s);
    await restarted.waitReady();
    await s.events.waitFor(40);
    await s.events.settle(3000);
    expectExactlyOnce(s.events, sent);
    expect(await unpublishedOutboxRows(s.databaseUrl)).toBe(0);
    expect(restarted.logLines().some((l) => l.message === 'deleted rows published by a previous leader')).toBe(true);
    // Each event's state record went in the same transaction: once each, with the event's sequence.
    await state.waitFor(40);
    await state.settle(1000);
    const sequenceOf = new Map(s.events.records.map((r) => [r.key, r.headers[Headers.outboxSequence]]));
    expect(state.records).toHaveLength(40);
    expect(new Set(state.records.map((r) => r.key))).toEqual(new Set(sequenceOf.keys()));
    for (const r of state.records) expect(r.headers[Headers.outboxSequence]).toBe(sequenceOf.get(r.key));
    expect(state.json<{ kind: string }>().every((v) => v.kind === 'User')).toBe(true);
    await state.stop();
  });

  it('keeps exactly-once with two relay instances running side by side', async () => {
    const s = await scenario('tworelays');
    const [a, b] = [await startLedger(s), await startLedger(s)];
    await Promise.all([a.waitReady(), b.waitReady()]);
    const sent = commands(120, 12);
    await produce(kafka, s.prefix + Topics.userCommands, sent);
    await s.events.waitFor(120);
    await s.events.settle(2000);
    expectExactlyOnce(s.events, sent);
    const leaders = [a, b].filter((p) => p.logLines().some((l) => l.message === 'outbox relay leads'));
    expect(leaders).toHaveLength(1);
  });

  it('dead-letters a poison record after its retries and keeps its partition flowing', async () => {
    const s = await scenario('poison');
    const dlt = await new TopicCollector(kafka, s.prefix + deadLetterTopicOf(Topics.userCommands)).start();
    const ledger = await startLedger(s);
    await ledger.waitReady();
    const before = command('tenant-p');
    const poison = command('tenant-p', { poison: true });
    const after = command('tenant-p');
    await produce(kafka, s.prefix + Topics.userCommands, [before, poison, after]);
    const notJson = { key: 'tenant-p', value: 'this is not json' };
    const later = command('tenant-p');
    await produce(kafka, s.prefix + Topics.userCommands, [notJson, later]);

    await s.events.waitFor(3);
    await dlt.waitFor(2);
    expect(new Set(eventSubjects(s.events))).toEqual(new Set([before, after, later].map((c) => c.value.commandId)));
    const [poisoned, malformed] = dlt.records;
    expect(JSON.parse(poisoned.value!)).toEqual(poison.value); // the original record, untouched
    expect(poisoned.key).toBe('tenant-p');
    expect(poisoned.headers[Headers.dltError]).toContain('poison command');
    expect(poisoned.headers[Headers.dltAttempts]).toBe('3');
    expect(poisoned.headers[Headers.dltErrorKind]).toBe('retries-exhausted');
    expect(poisoned.headers[Headers.dltOriginalTopic]).toBe(Topics.userCommands);
    expect(malformed.value).toBe('this is not json');
    expect(malformed.headers[Headers.dltErrorKind]).toBe('non-retryable');
    expect(malformed.headers[Headers.dltError]).toContain('not JSON');
    await dlt.stop();
  });

  it('carries the correlation id from the command headers into the handler logs and the event', async () => {
    const s = await scenario('correlation');
    const ledger = await startLedger(s);
    await ledger.waitReady();
    const correlationId = `corr-${randomUUID()}`;
    const c = command('tenant-c');
    await produce(kafka, s.prefix + Topics.userCommands, [{ ...c, headers: { [Headers.correlationId]: correlationId } }]);
    const [event] = await s.events.waitFor(1);
    expect(event.headers[Headers.correlationId]).toBe(correlationId);
    const line = ledger.logLines().find((l) => l.message === 'ledger command handled');
    expect(line).toMatchObject({ correlationId, commandId: c.value.commandId, service: 'ledger-service' });
  });

  it('finishes the batch in flight on SIGTERM, commits it and exits 0', async () => {
    const s = await scenario('sigterm');
    const ledger = await startLedger(s, { LEDGER_HANDLE_DELAY_MS: '1500' });
    await ledger.waitReady();
    const sent = commands(10, 1);
    await produce(kafka, s.prefix + Topics.userCommands, sent);
    await new Promise((r) => setTimeout(r, 800)); // the batch is now in its handler
    expect(await ledger.kill('SIGTERM')).toBe(0);
    expect(ledger.logLines().some((l) => l.message === 'stopped')).toBe(true);
    const stored = await ledgerRows(s.databaseUrl);
    expect(stored.length).toBeGreaterThan(0);

    // Offsets were committed: a new instance gets nothing it already applied, and no duplicates appear.
    const next = await startLedger(s);
    await next.waitReady();
    await s.events.waitFor(10);
    await s.events.settle(2000);
    expectExactlyOnce(s.events, sent);
    const handledAgain = next
      .logLines()
      .filter((l) => l.message === 'ledger command handled')
      .map((l) => l.commandId);
    expect(handledAgain.filter((id) => stored.includes(id as string))).toEqual([]);
  });
});
