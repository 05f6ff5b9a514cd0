/**
 * The supervisor process `npm run up` leaves running (node dist/deploy/local/supervise.js <plan>):
 * it starts the local Kafka node (when `up` owns it), creates the topics, starts the four
 * services, and keeps them all running (Supervisor: restart with backoff, restart counts, crash
 * loops reported). It writes what runs to .run/stack.json on every change and answers a control
 * API on a loopback port (its URL and token are in stack.json, readable by the owner only) for
 * `npm run status`, the benchmarks (restart a service with other settings) and operators.
 * SIGTERM stops everything it started, services first, and exits.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { builtEntryPoint, PROJECT_ROOT, provisionTopics, serviceEnvironment, stackInstances } from './stack';
import { ProcessSpec, ProcessStatus, Supervisor } from './supervisor';

/** What `npm run up` decided, handed to the supervisor as a JSON file. */
export interface StackPlan {
  runDir: string;
  postgres: { source: string; url: string };
  kafka: { brokers: string; supervised: boolean; port?: number; controllerPort?: number };
  logLevel: string;
  /** Extra environment per service name (credentials). */
  serviceEnv: Record<string, Record<string, string>>;
  /** Instances of each service (`npm run up -- --instances N`); 1 when absent. */
  instances?: number;
}

/** .run/stack.json: what runs, for `npm run status|down`, the benchmarks and people. */
export interface StackState {
  startedAt: string;
  supervisor: { pid: number; controlUrl: string; controlToken: string; log: string };
  kafka: { brokers: string; startedByUp: boolean };
  postgres: { source: string; url: string };
  services: Record<string, { pid?: number; url: string; log: string; state: ProcessStatus['state']; restarts: number; lastExit?: ProcessStatus['lastExit'] }>;
  processes: ProcessStatus[];
}

const KAFKA = 'kafka';

const say = (message: string, fields: Record<string, unknown> = {}, level = 'info') =>
  process.stdout.write(JSON.stringify({ time: new Date().toISOString(), level, service: 'supervisor', message, ...fields }) + '\n');
const supervisor = new Supervisor([], { log: (line, fields) => say(line, fields, 'warn') });

async function main(): Promise<void> {
  const plan = JSON.parse(readFileSync(process.argv[2], 'utf8')) as StackPlan;
  const logDir = join(plan.runDir, 'logs');
  mkdirSync(logDir, { recursive: true });

  const controlToken = randomBytes(24).toString('base64url');
  const control = await startControlServer(supervisor, controlToken);
  const urls = new Map<string, string>();
  const logs = new Map<string, string>();
  const writeState = () => {
    const processes = supervisor.status();
    const state: StackState = {
      startedAt,
      supervisor: { pid: process.pid, controlUrl: control.url, controlToken, log: join('.run', 'logs', 'supervisor.log') },
      kafka: { brokers: plan.kafka.brokers, startedByUp: plan.kafka.supervised },
      postgres: plan.postgres,
      services: Object.fromEntries(
        processes
          .filter((p) => p.name !== KAFKA)
          .map((p) => [
            p.name,
            { pid: p.pid, url: urls.get(p.name)!, log: logs.get(p.name)!, state: p.state, restarts: p.restarts, ...(p.lastExit ? { lastExit: p.lastExit } : {}) },
          ]),
      ),
      processes,
    };
    const file = join(plan.runDir, 'stack.json');
    writeFileSync(`${file}.tmp`, JSON.stringify(state, null, 2), { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
  };
  const startedAt = new Date().toISOString();
  supervisor.on('change', writeState);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    say('stopping everything', { signal });
    control.close();
    supervisor.stopAll().then(
      () => {
        say('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        say('stopping failed', { error: String(err) });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  if (plan.kafka.supervised) {
    supervisor.add(kafkaSpec(plan, logDir));
    logs.set(KAFKA, join('.run', 'logs', 'kafka.log'));
    supervisor.start(KAFKA);
    writeState();
    await supervisor.waitReady(KAFKA, 180_000);
    say('kafka ready', { brokers: plan.kafka.brokers });
  }
  const created = await provisionWithRetries(plan.kafka.brokers, say);
  say('topics provisioned', { created: created.length });
  const started: string[] = [];
  for (const { service, name, port, env } of stackInstances(plan.instances ?? 1)) {
    const url = `http://127.0.0.1:${port}`;
    const logFile = join(logDir, `${name}.log`);
    urls.set(name, url);
    logs.set(name, join('.run', 'logs', `${name}.log`));
    supervisor.add({
      name,
      command: process.execPath,
      // SERVICE_NODE_FLAGS: node flags for every service, e.g. "--cpu-prof --cpu-prof-dir=prof" to profile
      // a bench (Node refuses --cpu-prof in NODE_OPTIONS); the profile is written when the service stops.
      args: [...(process.env.SERVICE_NODE_FLAGS ?? '').split(' ').filter(Boolean), '-r', 'tsconfig-paths/register', builtEntryPoint(service.name)],
      cwd: PROJECT_ROOT,
      env: {
        ...process.env,
        ...serviceEnvironment(service, {
          postgresUrl: plan.postgres.url,
          kafkaBrokers: plan.kafka.brokers,
          logLevel: plan.logLevel,
          portOverride: port,
          extraEnv: { ...(plan.serviceEnv[service.name] ?? {}), ...env },
        }),
        TS_NODE_BASEURL: join(PROJECT_ROOT, 'dist'),
      },
      logFile,
      ready: () => httpReady(url),
      stopTimeoutMs: 30_000,
    });
    supervisor.start(name);
    started.push(name);
  }
  writeState();
  say('services started', { services: started });
}

/** A broker that just started may still answer "not hosting this partition" for a moment: retried for up to a minute. */
export async function provisionWithRetries(brokers: string, say: (message: string, fields?: Record<string, unknown>) => void): Promise<string[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await provisionTopics(brokers);
    } catch (err) {
      if (attempt >= 30) throw err;
      say('creating topics failed; trying again', { attempt, error: (err as Error).message });
      await new Promise((r) => setTimeout(r, 2_000));
    }
  }
}

function kafkaSpec(plan: StackPlan, logDir: string): ProcessSpec {
  return {
    name: KAFKA,
    command: 'bash',
    args: [join(PROJECT_ROOT, 'deploy', 'local', 'kafka.sh'), 'run'],
    cwd: PROJECT_ROOT,
    env: {
      ...process.env,
      KAFKA_PORT: String(plan.kafka.port ?? 9092),
      KAFKA_CONTROLLER_PORT: String(plan.kafka.controllerPort ?? 9093),
    },
    logFile: join(logDir, 'kafka.log'),
    ready: () => kafkaReady(plan.kafka.brokers),
    stopTimeoutMs: 30_000,
  };
}

export async function httpReady(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(3_000) })).ok;
  } catch {
    return false;
  }
}

export async function kafkaReady(brokers: string): Promise<boolean> {
  const admin = new Kafka({ clientId: 'supervisor', brokers: brokers.split(','), logLevel: logLevel.NOTHING, connectionTimeout: 1_000, retry: { retries: 0 } }).admin();
  try {
    await admin.connect();
    return (await admin.describeCluster()).brokers.length > 0;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * Loopback control API, bearer token from stack.json:
 *   GET  /status                        every process's status
 *   POST /restart  {name, env?}          graceful restart, with extra environment from now on
 *   POST /hold     {name, ms}            stop a process and keep it down for ms
 *   POST /signal   {name, signal}        send a signal (SIGKILL, SIGSTOP, SIGCONT)
 */
async function startControlServer(supervisor: Supervisor, token: string): Promise<{ url: string; close(): void }> {
  const expected = Buffer.from(`Bearer ${token}`);
  const server = createServer((req, res) => {
    const given = Buffer.from(req.headers.authorization ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return send(res, 401, { error: 'unauthorized' });
    handle(supervisor, req).then(
      (answer) => send(res, 200, answer),
      (err: unknown) => send(res, 400, { error: err instanceof Error ? err.message : String(err) }),
    );
  });
  server.requestTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, close: () => server.close() };
}

async function handle(supervisor: Supervisor, req: IncomingMessage): Promise<unknown> {
  if (req.method === 'GET' && req.url === '/status') return supervisor.status();
  if (req.method !== 'POST') throw new Error(`${req.method} ${req.url} is not a control request`);
  const body = JSON.parse((await readBody(req)) || '{}') as { name?: string; env?: Record<string, string>; ms?: number; signal?: NodeJS.Signals };
  if (typeof body.name !== 'string') throw new Error('name is required');
  if (req.url === '/restart') await supervisor.restart(body.name, body.env ?? {});
  else if (req.url === '/hold') await supervisor.hold(body.name, Math.max(0, Math.min(3_600_000, Number(body.ms) || 0)));
  else if (req.url === '/signal' && ['SIGKILL', 'SIGTERM', 'SIGSTOP', 'SIGCONT'].includes(String(body.signal))) supervisor.signal(body.name, body.signal!);
  else throw new Error(`${req.url}: not a control request`);
  return supervisor.status().find((p) => p.name === body.name);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      text += chunk;
      if (text.length > 65_536) req.destroy(new Error('control request too large'));
    });
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

if (require.main === module) {
  main().catch((err: unknown) => {
    say('supervisor failed to start; stopping what it started', { error: String((err as Error)?.stack ?? err) }, 'fatal');
    void supervisor.stopAll().finally(() => process.exit(1));
  });
}
