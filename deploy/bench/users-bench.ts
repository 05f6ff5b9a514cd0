import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { envelopeOfRecord, Topics } from '@app/contracts';
import { headersOf } from '@app/messaging';
import { AdminClient, ProvisionedTenant } from '../local/admin-client';
import { AuditLagProbe, secondsUntilAudited } from './audit-probe';
import { CpuMeter, pidsNamed, postgresBackendsOf } from './process-cpu';

const STACK_DATABASES = ['scim_gateway', 'scim_user_service', 'scim_group_membership_service', 'scim_audit_log_service'];
import { storeSizes } from './preload';
import { peakRssMiB } from './process-memory';
import { RunningStack } from './stack-handle';
import { round, runPool, Samples } from './stats';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export interface UsersBenchOptions {
  sequentialUsers: number;
  burstCreates: number;
  burstTenants: number;
  concurrency: number;
  /** false: do not measure the audit lag (the stack may run without request records). */
  audit?: boolean;
  /** Progress lines while the bench runs (stderr). */
  progress?: (line: string) => void;
}

export interface Timed {
  status: number;
  ms: number;
  body: any;
  retryAfter?: string;
}

/** node:http with keep-alive: several times cheaper per request than fetch, so the client is not what is measured. */
const agent = new http.Agent({ keepAlive: true, maxSockets: 1000 });

export function call(tenant: ProvisionedTenant, method: string, path: string, body?: unknown): Promise<Timed> {
  const started = performance.now();
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = http.request(
      tenant.scimUrl + path,
      {
        method,
        agent,
        headers: {
          authorization: `Bearer ${tenant.token}`,
          ...(payload ? { 'content-type': 'application/scim+json', 'content-length': payload.length } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const retryAfter = res.headers['retry-after'];
          resolve({
            status: res.statusCode ?? 0,
            ms: performance.now() - started,
            body: text ? JSON.parse(text) : undefined,
            ...(retryAfter ? { retryAfter: String(retryAfter) } : {}),
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

function userBody(run: string, n: number) {
  return {
    schemas: [USER_SCHEMA],
    userName: `bench.${run}.${n}@example.com`,
    externalId: `${run}-${n}`,
    active: true,
    name: { givenName: 'Bench', familyName: `User ${n}` },
    emails: [{ type: 'work', value: `bench.${run}.${n}@example.com`, primary: true }],
  };
}

/** (a) Entra's flow for one user at a time: GET by filter → POST → PATCH → GET. */
async function sequentialFlow(tenant: ProvisionedTenant, run: string, users: number) {
  const steps = { 'GET filter': new Samples(), POST: new Samples(), PATCH: new Samples(), GET: new Samples() };
  const failures: string[] = [];
  for (let n = 0; n < users; n++) {
    const body = userBody(`${run}-seq`, n);
    const lookup = await call(tenant, 'GET', `/Users?filter=${encodeURIComponent(`userName eq "${body.userName}"`)}`);
    steps['GET filter'].add(lookup.ms);
    const created = await call(tenant, 'POST', '/Users', body);
    steps.POST.add(created.ms);
    if (created.status !== 201) {
      failures.push(`POST ${created.status}`);
      continue;
    }
    const patched = await call(tenant, 'PATCH', `/Users/${created.body.id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Replace', path: 'name.familyName', value: 'Patched' }],
    });
    steps.PATCH.add(patched.ms);
    const read = await call(tenant, 'GET', `/Users/${created.body.id}`);
    steps.GET.add(read.ms);
    if (patched.status !== 200 || read.status !== 200) failures.push(`PATCH ${patched.status} GET ${read.status}`);
  }
  return { users, failures: failures.length, steps: Object.fromEntries(Object.entries(steps).map(([k, s]) => [k, s.summary()])) };
}

/** Counts scim.user.created events per subject on the user events topic, from now on. */
async function watchCreatedEvents(brokers: string) {
  const kafka = new Kafka({ clientId: 'bench', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `bench-${randomBytes(4).toString('hex')}` });
  const counts = new Map<string, number>();
  let lastAt = 0;
  await consumer.connect();
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.subscribe({ topic: Topics.userEvents, fromBeginning: false });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      for (const m of batch.messages) {
        const event = envelopeOfRecord(headersOf(m), m.value?.toString() ?? null) as { type?: string; subject?: string };
        if (event.type !== 'scim.user.created') continue;
        counts.set(event.subject!, (counts.get(event.subject!) ?? 0) + 1);
        lastAt = Date.now();
      }
    },
  });
  await joined;
  await new Promise((r) => setTimeout(r, 1000)); // let the fresh group settle on the latest offsets
  return { counts, lastAt: () => lastAt, stop: () => consumer.disconnect() };
}

/**
 * The tenant as seen through each gateway instance: request i goes to gateway i mod N, as a
 * round-robin load balancer would send it.
 */
function roundRobin(stack: RunningStack, tenant: ProvisionedTenant): (i: number) => ProvisionedTenant {
  const through = stack.gatewayUrls.map((url) => ({ ...tenant, scimUrl: tenant.scimUrl.replace(stack.gatewayUrl, url) }));
  return (i) => through[i % through.length];
}

/** (b) A burst of creates across tenants at fixed concurrency, with reads measured alongside. */
async function burst(stack: RunningStack, admin: AdminClient, run: string, options: UsersBenchOptions) {
  const tenants: ProvisionedTenant[] = [];
  for (let t = 0; t < options.burstTenants; t++) tenants.push(await admin.createTenant(`bench-${run}-${t}`, {}));
  const via = tenants.map((t) => roundRobin(stack, t));
  const seeded = await Promise.all(tenants.map((t, i) => call(t, 'POST', '/Users', userBody(`${run}-seed`, i))));
  const events = await watchCreatedEvents(stack.kafkaBrokers);

  const latency = new Samples();
  const byStatus = new Map<number, number>();
  const createdIds: string[] = [];
  const reads = new Samples();
  const readStatuses = new Map<number, number>();
  let readCount = 0;
  let bursting = true;
  // Entra reads before every write: `GET /Users?filter=userName eq`, 50 times a second, during the burst.
  const reader = (async () => {
    let i = 0;
    while (bursting) {
      const t = i++ % tenants.length;
      const filter = encodeURIComponent(`userName eq "${userBody(`${run}-seed`, t).userName}"`);
      const tick = performance.now();
      const r = await call(via[t](i), 'GET', `/Users?filter=${filter}`).catch(() => ({ status: 0, ms: performance.now() - tick, body: undefined }));
      readCount++;
      reads.add(r.ms);
      readStatuses.set(r.status, (readStatuses.get(r.status) ?? 0) + 1);
      await new Promise((res) => setTimeout(res, Math.max(0, 20 - (performance.now() - tick))));
    }
  })();

  // The audit lag while the burst runs: a marked read every 500 ms, polled until queryable.
  const audit = stack.auditUrl && stack.auditOpsToken && options.audit !== false ? { url: stack.auditUrl, token: stack.auditOpsToken } : undefined;
  const probe = audit ? new AuditLagProbe(audit.url, audit.token, tenants[0], `/Users/${seeded[0].body.id}`) : undefined;
  const burstFrom = new Date(Date.now() - 1000).toISOString();
  probe?.start();
  const commitsBefore = await userServiceCommits(stack);
  const sizesBefore = await storeSizes(stack);
  const cpu = new CpuMeter({
    ...Object.fromEntries(Object.entries(stack.pids).map(([name, pid]) => [name, () => [pid]])),
    kafka: () => (stack.kafkaPid ? [stack.kafkaPid] : kafkaPids()),
    // The stack's own databases' backends; "postgres (server)" is every Postgres process (shared with other users of the server).
    postgres: () => postgresBackendsOf(STACK_DATABASES),
    'postgres (server)': () => pidsNamed('postgres'),
  }).start();
  const started = performance.now();
  let answered = 0;
  const ticker = setInterval(() => {
    const s = (performance.now() - started) / 1000;
    options.progress?.(
      `burst: ${answered} of ${options.burstCreates} answered in ${s.toFixed(0)} s (${Math.round(answered / s)} creates/s), reads p99 so far ${round(reads.percentile(99))} ms`,
    );
  }, 5000);
  // As Entra does: a create answered 429 or 503 with Retry-After is sent again after that wait
  // (at most 2 s here, 10 tries); every attempt's answer is counted, the latency is the 201's.
  let retried = 0;
  await runPool(options.burstCreates, options.concurrency, async (i) => {
    for (let attempt = 1; ; attempt++) {
      const res = await call(via[i % tenants.length](Math.floor(i / tenants.length) + attempt), 'POST', '/Users', userBody(`${run}-burst`, i)).catch(() => ({
        status: 0,
        ms: 0,
        body: undefined,
        retryAfter: undefined,
      }));
      byStatus.set(res.status, (byStatus.get(res.status) ?? 0) + 1);
      if ((res.status === 429 || res.status === 503) && attempt < 10) {
        retried++;
        await new Promise((r) => setTimeout(r, Math.min(2, Number(res.retryAfter) || 1) * 1000));
        continue;
      }
      answered++;
      if (res.status === 201) {
        latency.add(res.ms);
        createdIds.push(res.body.id);
      }
      return;
    }
  });
  clearInterval(ticker);
  const cpuUsed = cpu.stop();
  const burstSeconds = (performance.now() - started) / 1000;
  const burstEnded = Date.now();
  const commitsAfter = await userServiceCommits(stack);
  bursting = false;
  await reader;
  await probe?.stop();
  // Every request of the burst's tenants (creates, reads, probes) queryable in the audit log.
  const audited = audit
    ? await secondsUntilAudited(
        audit.url,
        audit.token,
        tenants.map((t) => t.tenantId),
        burstFrom,
        options.burstCreates + readCount + (probe?.requests ?? 0),
        burstEnded,
      )
    : undefined;

  const deadline = Date.now() + 120_000;
  while (createdIds.some((id) => !events.counts.has(id)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  await new Promise((r) => setTimeout(r, 2000)); // anything duplicated late shows up here
  await events.stop();
  const missing = createdIds.filter((id) => !events.counts.has(id)).length;
  const sizesAfter = await storeSizes(stack);
  const creates = Math.max(1, createdIds.length);
  const platform = Object.entries(cpuUsed).filter(([k]) => !['client', 'machine busy', 'machine total', 'postgres (server)'].includes(k));
  const duplicated = createdIds.filter((id) => (events.counts.get(id) ?? 0) > 1).length;

  return {
    gatewayInstances: stack.gatewayUrls.length,
    creates: options.burstCreates,
    tenants: options.burstTenants,
    concurrency: options.concurrency,
    seconds: round(burstSeconds, 2),
    createsPerSecond: round(createdIds.length / burstSeconds, 0),
    attemptsRetriedAfter429or503: retried,
    latencyMs: latency.summary(),
    byStatus: Object.fromEntries([...byStatus].sort(([a], [b]) => a - b)),
    eventsMatched: createdIds.length - missing,
    eventsMissing: missing,
    eventsDuplicated: duplicated,
    secondsUntilLastEvent: round(Math.max(0, events.lastAt() - burstEnded) / 1000, 2),
    readFilterDuringBurstMs: { ...reads.summary(), byStatus: Object.fromEntries(readStatuses) },
    // CPU (user + system, from /proc) per 201, per process, over the burst; Postgres counts every
    // server process on the machine, so run the bench on a quiet machine.
    cpuMsPerCreate: {
      ...Object.fromEntries(platform.map(([k, v]) => [k, round(v / creates, 2)])),
      platform: round(platform.reduce((n, [, v]) => n + v, 0) / creates, 2),
      client: round(cpuUsed.client / creates, 2),
      'postgres (server)': round(cpuUsed['postgres (server)'] / creates, 2),
      machineBusyShare: round(cpuUsed['machine busy'] / Math.max(1, cpuUsed['machine total']), 2),
    },
    // Growth of each database over the burst, per created user (before any retention ran).
    bytesStoredPerCreate: Object.fromEntries(Object.keys(sizesAfter).map((db) => [db, Math.round((sizesAfter[db] - (sizesBefore[db] ?? 0)) / creates)])),
    storeBytesAfter: sizesAfter,
    audit: probe && audited ? { lagDuringBurst: probe.summary(), secondsFromBurstEndUntilAllQueryable: audited.seconds, requestsQueryable: audited.audited } : null,
    // How well the user-service batches: database transactions per create (reads included).
    userServiceTransactionsPerCreate: commitsBefore === null || commitsAfter === null ? null : round((commitsAfter - commitsBefore) / options.burstCreates, 2),
  };
}

async function userServiceCommits(stack: RunningStack): Promise<number | null> {
  if (!stack.postgresUrl) return null;
  const client = new Client({ connectionString: stack.postgresUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(`SELECT xact_commit AS n FROM pg_stat_database WHERE datname = 'scim_user_service'`);
    return rows.length ? Number(rows[0].n) : null;
  } finally {
    await client.end();
  }
}

export async function usersBench(stack: RunningStack, options: UsersBenchOptions): Promise<Record<string, unknown>> {
  const run = randomBytes(3).toString('hex');
  const admin = new AdminClient(stack.gatewayUrl, stack.adminToken);
  const sequentialTenant = await admin.createTenant(`bench-${run}-seq`, {});
  options.progress?.(`sequential Entra flow: ${options.sequentialUsers} users`);
  const sequential = await sequentialFlow(sequentialTenant, run, options.sequentialUsers);
  options.progress?.(`burst: ${options.burstCreates} creates across ${options.burstTenants} tenants, ${options.concurrency} in flight`);
  const burstResult = await burst(stack, admin, run, options);
  const peakRss = Object.fromEntries(Object.entries(stack.pids).map(([name, pid]) => [name, peakRssMiB(pid)]));
  return { sequentialEntraFlow: sequential, burst: burstResult, peakRssMiB: peakRss };
}

/** The local Kafka broker's process when the stack did not start it (a java process running kafka.Kafka). */
function kafkaPids(): number[] {
  return pidsNamed('java').filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('kafka.Kafka');
    } catch {
      return false;
    }
  });
}
