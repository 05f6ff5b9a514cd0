import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../local/stack';

/** The stack `npm run up` started, as it described itself in .run/. */
export interface RunningStack {
  gatewayUrl: string;
  /** Every gateway instance (`npm run up -- --instances N`), the first one first. */
  gatewayUrls: string[];
  kafkaBrokers: string;
  adminToken: string;
  /** The service credential of the internal APIs (docs/security.md). */
  internalApiToken?: string;
  pids: Record<string, number>;
  /** The Kafka broker's pid when the stack's supervisor runs it. */
  kafkaPid?: number;
  /** The Postgres server the stack uses (its `postgres` database). */
  postgresUrl?: string;
  /** The audit log's query API and its ops credential (absent on a stack without them). */
  auditUrl?: string;
  auditOpsToken?: string;
}

export function runningStack(): RunningStack {
  const runDir = join(PROJECT_ROOT, '.run');
  let state: {
    kafka: { brokers: string };
    postgres?: { url?: string };
    services: Record<string, { pid: number; url: string }>;
    processes?: Array<{ name: string; pid?: number }>;
  };
  try {
    state = JSON.parse(readFileSync(join(runDir, 'stack.json'), 'utf8'));
  } catch {
    throw new Error('no running stack: start it with `npm run up` first');
  }
  return {
    gatewayUrl: state.services['scim-gateway'].url,
    gatewayUrls: Object.entries(state.services)
      .filter(([name]) => /^scim-gateway(-\d+)?$/.test(name))
      .sort(([a], [b]) => a.length - b.length || a.localeCompare(b))
      .map(([, s]) => s.url),
    kafkaBrokers: state.kafka.brokers,
    adminToken: readFileSync(join(runDir, 'admin-token'), 'utf8').trim(),
    internalApiToken: readOptional(join(runDir, 'internal-api-token')),
    pids: Object.fromEntries(Object.entries(state.services).map(([name, s]) => [name, s.pid])),
    kafkaPid: state.processes?.find((p) => p.name === 'kafka')?.pid,
    postgresUrl: state.postgres?.url,
    auditUrl: state.services['audit-log-service']?.url,
    auditOpsToken: readOptional(join(runDir, 'audit-ops-token')),
  };
}

function readOptional(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}
