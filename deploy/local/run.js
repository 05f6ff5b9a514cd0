#!/usr/bin/env node
// The project's one entry point for setting things up on a fresh machine:
//   node deploy/local/run.js up      install, build, Postgres, then a supervisor that runs Kafka, topics and
//                                    the four services and restarts what dies; dev tenant
//   node deploy/local/run.js down    stop the supervisor, the services and the Kafka node that `up` started
//   node deploy/local/run.js status  each supervised process: state, restarts, readiness
//   node deploy/local/run.js test    install, build, Chromium if missing, then jest (small and medium tests)
//   node deploy/local/run.js bench   run a benchmark against the stack from `up`
//   node deploy/local/run.js chaos   the fault suite, on a private Kafka, Postgres and services
// Plain JavaScript so that it runs before anything is installed or built.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');
const runDir = path.join(root, '.run');
const logDir = path.join(runDir, 'logs');
const stackFile = path.join(runDir, 'stack.json');

function log(message) {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

function sh(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.status !== 0) {
    log(`${cmd} ${args.join(' ')} failed (exit ${result.status})`);
    process.exit(result.status || 1);
  }
}

/** npm ci when node_modules is missing or older than the lock file. */
function ensureDependencies() {
  const marker = path.join(root, 'node_modules', '.package-lock.json');
  const lock = path.join(root, 'package-lock.json');
  if (fs.existsSync(marker) && fs.statSync(marker).mtimeMs >= fs.statSync(lock).mtimeMs) return;
  log('installing dependencies (npm ci)');
  sh('npm', ['ci', '--no-audit', '--no-fund']);
}

function build() {
  log('building (tsc, incremental)');
  sh(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json']);
  buildDashboard();
}

/** The audit dashboard's front-end (apps/audit-dashboard, Vite) into dist/audit-dashboard, when a source is newer than the build. */
function buildDashboard() {
  const built = path.join(root, 'dist', 'audit-dashboard', 'index.html');
  const sources = [path.join(root, 'apps', 'audit-dashboard'), path.join(root, 'libs', 'contracts', 'src', 'audit-api.ts'), path.join(root, 'package-lock.json')];
  const newest = (p) => (fs.statSync(p).isDirectory() ? Math.max(0, ...fs.readdirSync(p).map((e) => newest(path.join(p, e)))) : fs.statSync(p).mtimeMs);
  if (fs.existsSync(built) && fs.statSync(built).mtimeMs >= Math.max(...sources.map(newest))) return;
  log('building the audit dashboard (type check, vite build)');
  sh('npm', ['run', '--silent', 'build:dashboard']);
}

/** Loads the built TypeScript modules, resolving the @app/* aliases inside dist/. */
function loadBuilt(modulePath) {
  require('tsconfig-paths').register({
    baseUrl: path.join(root, 'dist'),
    paths: require(path.join(root, 'tsconfig.json')).compilerOptions.paths,
  });
  return require(path.join(root, 'dist', modulePath));
}

/**
 * A credential of the local stack, generated once and kept in .run/<name> (git-ignored): the
 * gateway's admin API token (admin-token) and the audit log's ops token (audit-ops-token).
 */
function stackSecret(name, envValue) {
  const file = path.join(runDir, name);
  if (envValue) return envValue;
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  const token = require('node:crypto').randomBytes(32).toString('base64url');
  fs.writeFileSync(file, token + '\n', { mode: 0o600 });
  return token;
}

function readStack() {
  try {
    return JSON.parse(fs.readFileSync(stackFile, 'utf8'));
  } catch {
    return null;
  }
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Lines of a log file's end, for a failure message. */
function tail(file, lines = 20) {
  try {
    return fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .slice(-lines - 1)
      .join('\n');
  } catch {
    return '(no log)';
  }
}

async function ready(url) {
  try {
    return (await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(3000) })).ok;
  } catch {
    return false;
  }
}

/**
 * Starts the stack under a supervisor process that outlives this command: it starts Kafka (when
 * no broker is given or running), creates the topics, starts the four services and restarts
 * whatever dies (deploy/local/supervise.ts). Reports each service as it becomes ready.
 */
/** `npm run up -- --instances N`: N instances of each service (1 to 4). */
function instancesOf(args) {
  const at = args.indexOf('--instances');
  if (at < 0) return 1;
  const n = Number(args[at + 1]);
  if (!Number.isInteger(n) || n < 1 || n > 4) {
    console.error('usage: npm run up [-- --instances N]   (N from 1 to 4)');
    process.exit(2);
  }
  return n;
}

async function up() {
  const started = Date.now();
  const instances = instancesOf(rest);
  fs.mkdirSync(logDir, { recursive: true });
  const existing = readStack();
  if (existing && (alive(existing.supervisor?.pid ?? 0) || Object.values(existing.services).some((s) => s.pid && alive(s.pid)))) {
    log('a stack is already running; stopping it first');
    await down();
  }
  ensureDependencies();
  build();
  const { resolvePostgresServer } = loadBuilt('libs/persistence/src/index.js');
  const postgres = await resolvePostgresServer({ dataDir: path.join(runDir, 'postgres') });
  log(`postgres: ${postgres.source}`);
  const kafkaPort = Number(process.env.KAFKA_PORT || 9092);
  let kafka;
  if (process.env.KAFKA_BROKERS) {
    kafka = { brokers: process.env.KAFKA_BROKERS, supervised: false };
  } else if (spawnSync('bash', [path.join(__dirname, 'kafka.sh'), 'status']).status === 0) {
    log('kafka: reusing the local node that is already running');
    kafka = { brokers: `127.0.0.1:${kafkaPort}`, supervised: false };
  } else {
    sh('bash', [path.join(__dirname, 'kafka.sh'), 'fetch']);
    kafka = { brokers: `127.0.0.1:${kafkaPort}`, supervised: true, port: kafkaPort, controllerPort: Number(process.env.KAFKA_CONTROLLER_PORT || 9093) };
  }
  const adminToken = stackSecret('admin-token', process.env.ADMIN_TOKEN);
  const auditOpsToken = stackSecret('audit-ops-token', process.env.AUDIT_OPS_TOKEN);
  // The service credential of the internal query APIs and /metrics (docs/security.md).
  const internalApiToken = stackSecret('internal-api-token', process.env.INTERNAL_API_TOKEN);
  const internal = { INTERNAL_API_TOKEN: internalApiToken };
  const plan = {
    runDir,
    postgres: { source: postgres.source, url: postgres.url },
    kafka,
    logLevel: process.env.LOG_LEVEL || 'info',
    instances,
    serviceEnv: {
      'scim-gateway': { ADMIN_TOKEN: adminToken, ...internal },
      'user-service': internal,
      'group-membership-service': internal,
      'audit-log-service': { AUDIT_OPS_TOKEN: auditOpsToken },
    },
  };
  const planFile = path.join(runDir, 'supervisor-plan.json');
  fs.writeFileSync(planFile, JSON.stringify(plan, null, 2), { mode: 0o600 });
  fs.rmSync(stackFile, { force: true });
  const supervisorLog = path.join(logDir, 'supervisor.log');
  const out = fs.openSync(supervisorLog, 'a');
  const { spawn } = require('node:child_process');
  const supervisor = spawn(process.execPath, ['-r', 'tsconfig-paths/register', path.join(root, 'dist', 'deploy', 'local', 'supervise.js'), planFile], {
    cwd: root,
    env: { ...process.env, TS_NODE_BASEURL: path.join(root, 'dist') },
    stdio: ['ignore', out, out],
    detached: true,
  });
  supervisor.unref();
  log(`supervisor started (pid ${supervisor.pid}); ${kafka.supervised ? 'starting Kafka, then ' : ''}creating topics, then starting the services`);

  const deadline = Date.now() + 240000;
  const readyAt = {};
  let kafkaReported = !kafka.supervised;
  for (;;) {
    if (!alive(supervisor.pid)) {
      log(`the supervisor exited; last lines of ${path.relative(root, supervisorLog)}:\n${tail(supervisorLog)}`);
      await down();
      process.exit(1);
    }
    const state = readStack();
    const names = state ? Object.keys(state.services) : [];
    if (!kafkaReported && names.length > 0) {
      log(`kafka ready on ${kafka.brokers}`);
      kafkaReported = true;
    }
    for (const name of names) {
      if (readyAt[name] || !(await ready(state.services[name].url))) continue;
      readyAt[name] = Date.now();
      log(`${name} ready (${((readyAt[name] - started) / 1000).toFixed(1)} s)`);
    }
    if (names.length === 4 * instances && names.every((n) => readyAt[n])) break;
    if (Date.now() > deadline) {
      const waiting = names.filter((n) => !readyAt[n]);
      log(`not ready within 240 s: ${waiting.join(', ') || 'kafka/topics'}`);
      for (const n of waiting) log(`last lines of ${state.services[n].log}:\n${tail(path.join(root, state.services[n].log))}`);
      await down();
      process.exit(1);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const state = readStack();
  const stack = loadBuilt('deploy/local/stack.js');
  const tenant = await stack.createDevTenant(state.services['scim-gateway'].url, adminToken);
  fs.writeFileSync(path.join(runDir, 'dev-tenant.json'), JSON.stringify(tenant, null, 2));
  for (const [name, s] of Object.entries(state.services)) console.log(`${name.padEnd(26)} ${s.url}   log: ${s.log}`);
  console.log(`kafka                      ${kafka.brokers}${kafka.supervised ? '   log: .run/logs/kafka.log' : ''}`);
  console.log(`\ndev tenant SCIM URL: ${tenant.scimUrl}\ndev tenant token:    ${tenant.token}\n(both in .run/dev-tenant.json; the admin API token is in .run/admin-token)`);
  console.log(`audit dashboard:     ${state.services['audit-log-service'].url}/dashboard   (ops token in .run/audit-ops-token)`);
  console.log('\nA supervisor keeps every process running (restarts with backoff): `npm run status` shows them, `npm run down` stops everything.');
  log(`stack ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  process.exit(0);
}

async function waitForExit(pids, ms) {
  const deadline = Date.now() + ms;
  while (pids.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  return pids.filter(alive);
}

async function down() {
  const state = readStack();
  if (state) {
    const childPids = [...Object.values(state.services).map((s) => s.pid), ...(state.processes ?? []).map((p) => p.pid)].filter((pid) => pid && alive(pid));
    if (state.supervisor && alive(state.supervisor.pid)) {
      // The supervisor stops what it started (services first, Kafka last) and exits.
      process.kill(state.supervisor.pid, 'SIGTERM');
      const left = await waitForExit([state.supervisor.pid], 90000);
      if (left.length > 0) process.kill(state.supervisor.pid, 'SIGKILL');
    }
    for (const pid of childPids.filter(alive)) process.kill(pid, 'SIGTERM');
    for (const pid of await waitForExit(childPids, 30000)) process.kill(pid, 'SIGKILL');
    log(`stopped ${childPids.length} process(es)${state.supervisor ? ' and the supervisor' : ''}`);
    if (state.postgres && state.postgres.source === 'embedded') {
      const { stopEmbeddedPostgres } = loadBuilt('libs/persistence/src/index.js');
      stopEmbeddedPostgres(path.join(runDir, 'postgres'));
      log('stopped the embedded Postgres');
    }
    fs.rmSync(stackFile, { force: true });
  }
  // A stack from before the supervisor started Kafka with kafka.sh start: stop that one too.
  if (!state || (state.kafka.startedByUp && !state.supervisor)) sh('bash', [path.join(__dirname, 'kafka.sh'), 'stop']);
}

function ago(iso) {
  if (!iso) return '';
  const s = Math.round((Date.now() - Date.parse(iso)) / 1000);
  return s < 120 ? `${s} s` : s < 7200 ? `${Math.round(s / 60)} min` : `${Math.round(s / 3600)} h`;
}

/** `npm run status`: every supervised process, its state, restarts and readiness; exit 1 unless all are ready. */
async function status() {
  const state = readStack();
  if (!state) {
    console.log('no stack is running (start one with `npm run up`)');
    process.exit(1);
  }
  let processes = state.processes ?? [];
  const supervised = state.supervisor && alive(state.supervisor.pid);
  if (supervised) {
    try {
      const res = await fetch(`${state.supervisor.controlUrl}/status`, {
        headers: { authorization: `Bearer ${state.supervisor.controlToken}` },
        signal: AbortSignal.timeout(3000),
      });
      if (res.ok) processes = await res.json();
    } catch {
      // fall back to what stack.json says
    }
  }
  const rows = [];
  let allReady = supervised;
  for (const p of processes) {
    const url = state.services[p.name]?.url;
    const isReady = p.name === 'kafka' ? p.state === 'running' && (await kafkaAnswers(state.kafka.brokers)) : url ? await ready(url) : false;
    allReady = allReady && isReady;
    const lastExit = p.lastExit ? `${p.lastExit.signal ?? `code ${p.lastExit.code}`} ${ago(p.lastExit.at)} ago` : '';
    rows.push([
      p.name,
      String(p.pid ?? '-'),
      p.state,
      String(p.restarts),
      isReady ? 'ready' : 'NOT READY',
      p.state === 'running' || p.state === 'crash-loop' ? ago(p.startedAt) : '',
      lastExit,
    ]);
  }
  const header = ['process', 'pid', 'state', 'restarts', 'readiness', 'up', 'last exit'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const r of [header, ...rows])
    console.log(
      r
        .map((c, i) => c.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    );
  console.log(
    supervised ? `\nsupervisor pid ${state.supervisor.pid}; logs in .run/logs/` : '\nthe supervisor is NOT running: nothing restarts what dies (`npm run up` starts it again)',
  );
  if (!state.kafka.startedByUp) console.log(`kafka ${state.kafka.brokers} is not supervised by this stack`);
  process.exit(allReady ? 0 : 1);
}

async function kafkaAnswers(brokers) {
  return spawnSync(process.execPath, [path.join(__dirname, 'kafka-ready.js'), brokers.split(',')[0]]).status === 0;
}

function test(extraArgs) {
  ensureDependencies();
  build();
  log('type-checking everything, tests included (tsc --noEmit)');
  sh(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json', '--noEmit']);
  // The audit dashboard's browser test drives headless Chromium (installed from Debian when missing).
  sh('bash', [path.join(__dirname, 'chromium.sh'), 'ensure']);
  // The alert rule test runs `promtool test rules` (extracted from Debian's prometheus package when missing).
  sh('bash', [path.join(__dirname, 'promtool.sh'), 'ensure']);
  sh(process.execPath, [path.join(root, 'node_modules', 'jest', 'bin', 'jest.js'), ...extraArgs]);
}

function bench(extraArgs) {
  ensureDependencies();
  build();
  sh(process.execPath, ['-r', 'tsconfig-paths/register', path.join(root, 'dist', 'deploy', 'bench', 'main.js'), ...extraArgs], {
    env: { ...process.env, TS_NODE_BASEURL: path.join(root, 'dist') },
  });
}

const [command, ...rest] = process.argv.slice(2);
/** `npm run chaos`: the fault suite on a private Kafka, Postgres and services (deploy/chaos/main.ts). */
function chaos(extraArgs) {
  ensureDependencies();
  build();
  sh(process.execPath, ['-r', 'tsconfig-paths/register', path.join(root, 'dist', 'deploy', 'chaos', 'main.js'), ...extraArgs], {
    env: { ...process.env, TS_NODE_BASEURL: path.join(root, 'dist') },
  });
}

const commands = { up, down, status, test: () => test(rest), bench: () => bench(rest), chaos: () => chaos(rest) };
if (!commands[command]) {
  console.error('usage: run.js up|down|status|test|bench|chaos [args]');
  process.exit(2);
}
Promise.resolve(commands[command]()).catch((err) => {
  log(err.stack || String(err));
  process.exit(1);
});
