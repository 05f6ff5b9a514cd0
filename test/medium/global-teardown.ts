import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { readInfra, ROOT } from './support/test-infra';

/** Stops what globalSetup started (and nothing that was already running before the tests). */
export default async function globalTeardown(): Promise<void> {
  const infra = readInfra();
  if (infra.cleanup.stopLocalKafka) {
    execFileSync('bash', [join(ROOT, 'deploy', 'local', 'kafka.sh'), 'stop'], { stdio: 'inherit' });
  }
  for (const id of infra.cleanup.containerIds) {
    execFileSync('docker', ['rm', '-f', id], { stdio: 'ignore' });
  }
}
