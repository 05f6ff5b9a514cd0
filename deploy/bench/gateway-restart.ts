import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT, spawnService, STACK_SERVICES, waitUntilReady } from '../local/stack';
import type { RunningStack } from './stack-handle';

const STACK_FILE = join(PROJECT_ROOT, '.run', 'stack.json');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Restarts the stack's gateway with extra environment (e.g. AUDIT_REQUEST_RECORDS=off), the way
 * `npm run up` starts it, and records its new pid in .run/stack.json so `npm run down` stops it.
 */
export async function restartGateway(stack: RunningStack, extraEnv: Record<string, string>): Promise<void> {
  const state = JSON.parse(readFileSync(STACK_FILE, 'utf8')) as {
    kafka: { brokers: string };
    postgres: { url: string };
    services: Record<string, { pid: number; url: string; log: string }>;
  };
  const entry = state.services['scim-gateway']!;
  if (alive(entry.pid)) process.kill(entry.pid, 'SIGTERM');
  const deadline = Date.now() + 30_000;
  while (alive(entry.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (alive(entry.pid)) process.kill(entry.pid, 'SIGKILL');
  const service = STACK_SERVICES.find((s) => s.name === 'scim-gateway')!;
  const child = spawnService(
    service,
    { postgresUrl: state.postgres.url, kafkaBrokers: state.kafka.brokers, extraEnv: { ADMIN_TOKEN: stack.adminToken, ...extraEnv } },
    join(PROJECT_ROOT, entry.log),
    true,
  );
  child.unref();
  entry.pid = child.pid!;
  writeFileSync(STACK_FILE, JSON.stringify(state, null, 2));
  stack.pids['scim-gateway'] = child.pid!;
  await waitUntilReady(entry.url, 60_000, () => alive(child.pid!));
}
