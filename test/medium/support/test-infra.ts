import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What globalSetup resolved for this run; read by every medium test. */
export interface TestInfra {
  postgresUrl: string;
  kafkaBrokers: string;
  postgresSource: string;
  kafkaSource: 'KAFKA_BROKERS' | 'local-started' | 'local-running' | 'testcontainers';
  /** Containers to stop, or a local broker to stop, in globalTeardown. */
  cleanup: { stopLocalKafka: boolean; containerIds: string[] };
}

export const ROOT = join(__dirname, '..', '..', '..');
const INFRA_FILE = join(ROOT, '.run', 'test-infra.json');

export function writeInfra(infra: TestInfra): void {
  mkdirSync(join(ROOT, '.run'), { recursive: true });
  writeFileSync(INFRA_FILE, JSON.stringify(infra, null, 2));
}

export function readInfra(): TestInfra {
  if (!existsSync(INFRA_FILE)) throw new Error('medium tests need jest globalSetup (test/medium/global-setup.ts)');
  return JSON.parse(readFileSync(INFRA_FILE, 'utf8')) as TestInfra;
}

export function dockerEngineAvailable(): boolean {
  try {
    return spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 5000 }).status === 0;
  } catch {
    return false;
  }
}

export function buildProject(): void {
  execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
}
