/**
 * `npm run chaos [-- --cases kill-user-service,kill-kafka --tenants 10 --concurrency 100 --creates 300 --keep]`
 *
 * Breaks the platform one part at a time while a multi-tenant burst of creates runs, on a Kafka
 * node, a Postgres server and four services of its own (loopback only, free ports, a temporary
 * directory; nothing shared is touched), all under the supervisor `npm run up` uses. After each
 * fault it checks what clients were promised: every 201 readable by id and by filter with exactly
 * one created event, every ambiguous write (503, no answer) applied at most once, the gateway
 * answering 201 again within 30 s with no manual step, every service ready again, and no request
 * record lost beyond the gateway's documented bound. Prints a table; exits 1 if a row fails.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Topics } from '@app/contracts';
import { PROJECT_ROOT } from '../local/stack';
import { CaseResult, CHAOS_CASES, runCase } from './chaos-cases';
import { ChaosStack } from './chaos-stack';
import { CreatedEventTally } from './verify';

export interface ChaosOptions {
  cases: string[];
  tenants: number;
  concurrency: number;
  creates: number;
  keep: boolean;
}

export function parseChaosArgs(argv: string[]): ChaosOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      cases: { type: 'string' },
      tenants: { type: 'string', default: '10' },
      concurrency: { type: 'string', default: '100' },
      creates: { type: 'string', default: '300' },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(
      `npm run chaos [-- options]\n  --cases a,b        some of: ${CHAOS_CASES.map((c) => c.name).join(', ')}\n  --tenants N        tenants in the burst (10)\n  --concurrency N    creates in flight (100)\n  --creates N        201s before each fault and after it (300)\n  --keep             keep the logs and data directory\n`,
    );
    process.exit(0);
  }
  const known = new Set(CHAOS_CASES.map((c) => c.name));
  const cases = values.cases ? values.cases.split(',').map((c) => c.trim()) : [...known];
  const unknown = cases.filter((c) => !known.has(c));
  if (unknown.length > 0) throw new Error(`unknown case(s): ${unknown.join(', ')}; known: ${[...known].join(', ')}`);
  const int = (name: string, v: string, min: number, max: number) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer from ${min} to ${max}`);
    return n;
  };
  return {
    cases,
    tenants: int('tenants', values.tenants, 1, 100),
    concurrency: int('concurrency', values.concurrency, 1, 1000),
    creates: int('creates', values.creates, 10, 100_000),
    keep: values.keep,
  };
}

export async function runChaos(options: ChaosOptions, progress: (line: string) => void): Promise<CaseResult[]> {
  const stack = new ChaosStack((line) => progress(`supervisor: ${line}`));
  const results: CaseResult[] = [];
  let tally: CreatedEventTally | undefined;
  try {
    progress(`starting a private Kafka, Postgres and the four services in ${stack.dir}`);
    await stack.start();
    tally = await new CreatedEventTally(stack.kafkaBrokers, Topics.userEvents).start();
    const runId = Date.now().toString(36);
    for (const name of options.cases) {
      const chaosCase = CHAOS_CASES.find((c) => c.name === name)!;
      progress(`${name}: burst of creates across ${options.tenants} tenants, ${options.concurrency} in flight`);
      const result = await runCase(stack, tally, chaosCase, { tenants: options.tenants, concurrency: options.concurrency, createsAround: options.creates, runId, progress });
      results.push(result);
      progress(`${name}: ${result.holds ? 'holds' : `FAILS: ${result.failures.join('; ')}`}`);
    }
  } finally {
    await tally?.stop();
    await stack.stop(options.keep);
    if (options.keep) progress(`logs and data kept in ${stack.dir}`);
  }
  return results;
}

export function formatTable(results: CaseResult[]): string {
  const header = [
    'case',
    'sent',
    '201',
    '503',
    '429',
    'no answer',
    'durable',
    '1 event',
    'ambiguous applied',
    'longest gap s',
    '201 again s',
    'ready s',
    'audit missing/bound',
    'holds',
  ];
  const rows = results.map((r) => [
    r.name,
    String(r.sent),
    String(r.verdict.created),
    String(r.statuses['503'] ?? 0),
    String(r.statuses['429'] ?? 0),
    String(r.refusedConnections),
    `${r.verdict.durable}/${r.verdict.created}`,
    `${r.verdict.oneEvent}/${r.verdict.created}`,
    `${r.verdict.ambiguousApplied}/${r.verdict.ambiguous}`,
    r.longestGapSeconds.toFixed(1),
    r.answeringAgainSeconds.toFixed(1),
    r.allReadySeconds.toFixed(1),
    `${r.auditRecords.missing}/${r.auditRecords.allowedMissing}`,
    r.holds ? 'yes' : 'NO',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => c.padEnd(widths[i])).join(' | ') + ' |';
  return [line(header), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...rows.map(line)].join('\n');
}

async function main(): Promise<void> {
  const options = parseChaosArgs(process.argv.slice(2));
  const started = Date.now();
  const progress = (line: string) => process.stderr.write(`[chaos ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);
  const results = await runChaos(options, progress);
  process.stdout.write(`\n${formatTable(results)}\n`);
  for (const r of results.filter((x) => !x.holds)) process.stdout.write(`\n${r.name} fails:\n  ${r.failures.join('\n  ')}\n`);
  const dir = join(PROJECT_ROOT, '.run');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `chaos-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ options, results }, null, 2));
  process.stdout.write(`\nresults: ${file.slice(PROJECT_ROOT.length + 1)}\n`);
  process.exit(results.every((r) => r.holds) ? 0 : 1);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`chaos: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(1);
  });
}
