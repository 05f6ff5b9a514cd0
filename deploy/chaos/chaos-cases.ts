import { Client } from 'pg';
import { withDatabase } from '@app/persistence';
import { CreateBurst, CreateOutcome } from './burst';
import { ChaosStack, ServiceName } from './chaos-stack';
import { BurstVerdict, CreatedEventTally, verifyBurst } from './verify';

/** One fault, injected while a multi-tenant burst of creates runs. */
export interface ChaosCase {
  name: string;
  fault: string;
  /** Injects the fault and resolves once it is over (the broken part is back and ready). */
  inject(stack: ChaosStack): Promise<void>;
  /** Whether clients may see refused connections (only when the gateway itself is down). */
  gatewayDown?: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** SIGKILL; the fault lasts until the supervisor has the part running and ready again. */
const kill = (name: ServiceName | 'kafka'): ChaosCase => ({
  name: `kill-${name}`,
  fault: name === 'kafka' ? 'Kafka broker SIGKILLed, started again by the supervisor' : `${name} SIGKILLed, restarted by the supervisor`,
  gatewayDown: name === 'scim-gateway',
  inject: async (stack) => {
    const pid = stack.supervisor.pid(name);
    stack.supervisor.signal(name, 'SIGKILL');
    const deadline = Date.now() + 60_000;
    while ((stack.supervisor.pid(name) === undefined || stack.supervisor.pid(name) === pid) && Date.now() < deadline) await sleep(50);
    await stack.supervisor.waitReady(name, 180_000);
  },
});

/** Every case the suite knows, in the order it runs them. */
export const CHAOS_CASES: ChaosCase[] = [
  { name: 'baseline', fault: 'none (the burst alone)', inject: async () => undefined },
  kill('user-service'),
  kill('group-membership-service'),
  kill('audit-log-service'),
  kill('scim-gateway'),
  kill('kafka'),
  {
    name: 'restart-postgres',
    fault: 'Postgres restarted (pg_ctl restart -m fast: every session cut)',
    inject: async (stack) => {
      await stack.postgres.restart();
    },
  },
  {
    name: 'stall-user-service',
    fault: 'user-service SIGSTOPped for 20 s, then SIGCONT',
    inject: async (stack) => {
      stack.supervisor.signal('user-service', 'SIGSTOP');
      await sleep(20_000);
      stack.supervisor.signal('user-service', 'SIGCONT');
    },
  },
  {
    name: 'audit-down-60s',
    fault: 'audit-log-service down for 60 s (records pile up in Kafka)',
    inject: async (stack) => {
      await stack.supervisor.hold('audit-log-service', 60_000);
      await sleep(60_000);
    },
  },
];

export interface CaseResult {
  name: string;
  fault: string;
  sent: number;
  statuses: Record<string, number>;
  verdict: BurstVerdict;
  /** Longest time without a 201 from the fault on (s): the outage as clients saw it. */
  longestGapSeconds: number;
  /** From the end of the fault (the broken part back) to the next 201 (s): the platform's own recovery. */
  answeringAgainSeconds: number;
  /** From the end of the fault until every service answered readiness (s). */
  allReadySeconds: number;
  refusedConnections: number;
  auditRecords: { answered: number; recorded: number; missing: number; allowedMissing: number };
  holds: boolean;
  failures: string[];
}

export interface CaseOptions {
  tenants: number;
  concurrency: number;
  /** 201s before the fault and after recovery. */
  createsAround: number;
  runId: string;
  progress: (line: string) => void;
}

export async function runCase(stack: ChaosStack, tally: CreatedEventTally, chaosCase: ChaosCase, options: CaseOptions): Promise<CaseResult> {
  const tenants = await stack.tenants(options.tenants, `${options.runId}-${chaosCase.name}`);
  const burst = new CreateBurst({ tenants, concurrency: options.concurrency, label: `${options.runId}.${chaosCase.name}`, requestTimeoutMs: 30_000 }).start();
  const failures: string[] = [];
  let faultAt = 0;
  let faultEndAt = 0;
  let answeringAt = 0;
  try {
    await burst.waitFor(options.createsAround, (o) => o.status === 201, 120_000);
    faultAt = burst.elapsedMs;
    options.progress(`${chaosCase.name}: injecting: ${chaosCase.fault}`);
    await chaosCase.inject(stack);
    faultEndAt = burst.elapsedMs;
    await burst.waitFor(1, (o) => o.status === 201, 120_000, faultEndAt);
    answeringAt = Math.min(...burst.outcomes.filter((o) => o.status === 201 && o.at >= faultEndAt).map((o) => o.at));
    await burst.waitFor(options.createsAround, (o) => o.status === 201, 180_000, faultEndAt);
  } catch (err) {
    failures.push((err as Error).message);
  } finally {
    await burst.stop();
  }
  const readyDeadline = Date.now() + 120_000;
  while (!(await stack.allReady()) && Date.now() < readyDeadline) await sleep(250);
  const readyAt = burst.elapsedMs;
  if (!(await stack.allReady())) failures.push('not every service ready 120 s after the fault');
  options.progress(`${chaosCase.name}: burst done (${burst.summary()}); checking stores, events and audit records`);

  const outcomes = burst.outcomes;
  const verdict = await verifyBurst(outcomes, tenants, tally);
  const auditRecords = await auditRecordCounts(
    stack,
    outcomes,
    tenants.map((t) => t.tenantId),
    chaosCase.gatewayDown ? faultAt : undefined,
  );
  const statuses: Record<string, number> = {};
  for (const o of outcomes) {
    const key = o.status === 0 ? (o.error ?? 'no answer') : String(o.status);
    statuses[key] = (statuses[key] ?? 0) + 1;
  }
  const refusedConnections = outcomes.filter((o) => o.status === 0).length;
  const longestGapSeconds = longestGap(outcomes, faultAt) / 1000;
  const answeringAgainSeconds = answeringAt > 0 ? Math.max(0, answeringAt - faultEndAt) / 1000 : NaN;

  if (verdict.durable !== verdict.created) failures.push(`${verdict.created - verdict.durable} of ${verdict.created} 201s not readable by id and filter`);
  if (verdict.oneEvent !== verdict.created || verdict.eventViolations > 0) failures.push(`${verdict.eventViolations} writes without exactly one created event`);
  if (Object.keys(verdict.unexpectedStatuses).length > 0) failures.push(`unexpected statuses ${JSON.stringify(verdict.unexpectedStatuses)}`);
  failures.push(...verdict.problems.slice(0, 5));
  if (!chaosCase.gatewayDown && refusedConnections > 0) failures.push(`${refusedConnections} requests got no answer while the gateway was meant to be up`);
  // The gateway answers 201 again within 30 s of the fault, with no manual step, and within 10 s
  // of the broken part being back.
  if (!(longestGapSeconds <= 30)) failures.push(`no 201 for ${longestGapSeconds.toFixed(1)} s (aim: 30 s)`);
  if (!(answeringAgainSeconds <= 10)) failures.push(`201 again only ${answeringAgainSeconds.toFixed(1)} s after the broken part was back (aim: 10 s)`);
  if (auditRecords.missing > auditRecords.allowedMissing) failures.push(`${auditRecords.missing} request records missing (bound ${auditRecords.allowedMissing})`);

  return {
    name: chaosCase.name,
    fault: chaosCase.fault,
    sent: outcomes.length,
    statuses,
    verdict,
    longestGapSeconds,
    answeringAgainSeconds,
    allReadySeconds: Math.max(0, readyAt - faultEndAt) / 1000,
    refusedConnections,
    auditRecords,
    holds: failures.length === 0,
    failures,
  };
}

/** Longest stretch without a 201 answer, from `since` to the last answer (ms). */
function longestGap(outcomes: CreateOutcome[], since: number): number {
  const times = outcomes
    .filter((o) => o.status === 201 && o.at >= since)
    .map((o) => o.at)
    .sort((a, b) => a - b);
  let previous = since;
  let longest = 0;
  for (const t of times) {
    longest = Math.max(longest, t - previous);
    previous = t;
  }
  return longest;
}

/**
 * How many of the burst's answered requests have a request record in the audit store, after
 * waiting for the audit log to catch up. When the gateway itself was killed, the records it held
 * in memory (answered in the last flush interval before the kill) may be lost: the documented
 * bound, counted here as the requests answered in the last second before the kill.
 */
async function auditRecordCounts(stack: ChaosStack, outcomes: CreateOutcome[], tenantIds: string[], gatewayKilledAt?: number): Promise<CaseResult['auditRecords']> {
  const answered = outcomes.filter((o) => o.status !== 0);
  const allowedMissing = gatewayKilledAt === undefined ? 0 : answered.filter((o) => o.at >= gatewayKilledAt - 1_000 && o.at <= gatewayKilledAt + 1_000).length;
  const client = new Client({ connectionString: withDatabase(stack.postgres.url, 'scim_audit_log_service') });
  client.on('error', () => undefined);
  await client.connect();
  try {
    let recorded = 0;
    let unchangedSince = Date.now();
    const deadline = Date.now() + 180_000;
    while (Date.now() < deadline) {
      const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM audit_requests WHERE tenant_id = ANY($1) AND method = 'POST' AND operation = 'create'`, [
        tenantIds,
      ]);
      const n = Number(rows[0].n);
      if (n !== recorded) unchangedSince = Date.now();
      recorded = n;
      if (recorded >= answered.length || Date.now() - unchangedSince > 15_000) break;
      await sleep(500);
    }
    return { answered: answered.length, recorded, missing: Math.max(0, answered.length - recorded), allowedMissing };
  } finally {
    await client.end().catch(() => undefined);
  }
}
