/**
 * `npm run bench -- users [--creates N] [--tenants N] [--concurrency N] [--sequential N] [--preload N] [--instances N]`
 *   (--instances N: the stack runs N of each service, `npm run up -- --instances N`; requests go round robin over its gateways)
 * `npm run bench -- groups [--members N] [--per-patch N] [--reads N]`
 * `npm run bench -- audit [--rounds N] [--creates N] [--tenants N] [--concurrency N] [--sequential N] [--records N] [--loads N]`
 * `npm run bench -- dashboard [--records N] [--record-tenants N] [--loads N]` (the audit suite's last part alone)
 * Runs against the stack from `npm run up` and prints the figures as JSON (see docs/performance.md).
 */
import { runningStack } from './stack-handle';
import { groupsBench } from './groups-bench';
import { usersBench } from './users-bench';
import { dashboardBench } from './dashboard-bench';
import { auditBench } from './audit-bench';
import { preloadUsers } from './preload';

const started = Date.now();
function progress(line: string): void {
  process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);
}

function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? Number(args[i + 1]) : fallback;
}

async function main(): Promise<void> {
  const [suite, ...args] = process.argv.slice(2);
  const stack = runningStack();
  if (suite === 'users') {
    const preloadCount = option(args, 'preload', 0);
    const preload = preloadCount > 0 ? await preloadUsers(stack, preloadCount, progress) : undefined;
    const instances = option(args, 'instances', 1);
    if (stack.gatewayUrls.length !== instances) {
      throw new Error(
        `--instances ${instances}, but the running stack has ${stack.gatewayUrls.length} gateway instance(s): start it with \`npm run up -- --instances ${instances}\``,
      );
    }
    const result = await usersBench(stack, {
      progress,
      sequentialUsers: option(args, 'sequential', 200),
      burstCreates: option(args, 'creates', 20000),
      burstTenants: option(args, 'tenants', 20),
      concurrency: option(args, 'concurrency', 200),
    });
    process.stdout.write(`${JSON.stringify({ ...(preload ? { preload } : {}), ...result }, null, 2)}\n`);
    return;
  }
  if (suite === 'groups') {
    const result = await groupsBench(stack, {
      members: option(args, 'members', 100000),
      perPatch: option(args, 'per-patch', 1000),
      reads: option(args, 'reads', 200),
    });
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  const dashboard = () =>
    dashboardBench(stack, { records: option(args, 'records', 1_000_000), tenants: option(args, 'record-tenants', 20), loads: option(args, 'loads', 7), progress });
  if (suite === 'audit') {
    const result = await auditBench(stack, {
      rounds: option(args, 'rounds', 2),
      sequentialUsers: option(args, 'sequential', 200),
      burstCreates: option(args, 'creates', 5000),
      burstTenants: option(args, 'tenants', 20),
      concurrency: option(args, 'concurrency', 200),
      progress,
    });
    process.stdout.write(`${JSON.stringify({ ...result, dashboard: await dashboard() }, null, 2)}\n`);
    return;
  }
  if (suite === 'dashboard') {
    process.stdout.write(`${JSON.stringify(await dashboard(), null, 2)}\n`);
    return;
  }
  throw new Error(`unknown bench suite "${suite ?? ''}"; try: users, groups, audit, dashboard`);
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  },
);
