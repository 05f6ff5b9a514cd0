/**
 * `npm run bench -- users [--creates N] [--tenants N] [--concurrency N] [--sequential N]`
 * Runs against the stack from `npm run up` and prints the figures as JSON (see docs/performance.md).
 */
import { runningStack } from './stack-handle';
import { usersBench } from './users-bench';

function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? Number(args[i + 1]) : fallback;
}

async function main(): Promise<void> {
  const [suite, ...args] = process.argv.slice(2);
  const stack = runningStack();
  if (suite === 'users') {
    const result = await usersBench(stack, {
      sequentialUsers: option(args, 'sequential', 200),
      burstCreates: option(args, 'creates', 20000),
      burstTenants: option(args, 'tenants', 20),
      concurrency: option(args, 'concurrency', 200),
    });
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  throw new Error(`unknown bench suite "${suite ?? ''}"; try: users`);
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  },
);
