import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT, waitUntilReady } from '../local/stack';
import type { StackState } from '../local/supervise';
import type { RunningStack } from './stack-handle';

const STACK_FILE = join(PROJECT_ROOT, '.run', 'stack.json');

/**
 * Restarts the stack's gateway with extra environment (e.g. AUDIT_REQUEST_RECORDS=off) through
 * the supervisor's control API, so the supervisor keeps running it (and records its new pid in
 * .run/stack.json).
 */
export async function restartGateway(stack: RunningStack, extraEnv: Record<string, string>): Promise<void> {
  const state = JSON.parse(readFileSync(STACK_FILE, 'utf8')) as StackState;
  if (!state.supervisor) throw new Error('the stack has no supervisor: start it again with `npm run up`');
  const res = await fetch(`${state.supervisor.controlUrl}/restart`, {
    method: 'POST',
    headers: { authorization: `Bearer ${state.supervisor.controlToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'scim-gateway', env: extraEnv }),
  });
  if (!res.ok) throw new Error(`supervisor refused the restart: ${res.status} ${await res.text()}`);
  const status = (await res.json()) as { pid?: number };
  if (status.pid) stack.pids['scim-gateway'] = status.pid;
  await waitUntilReady(state.services['scim-gateway'].url, 60_000);
}
