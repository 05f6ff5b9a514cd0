#!/usr/bin/env node
// The project's one entry point for setting things up on a fresh machine:
//   node deploy/local/run.js up      install, build, Kafka, Postgres, topics, four services, dev tenant
//   node deploy/local/run.js down    stop the services and the Kafka node that `up` started
//   node deploy/local/run.js test    install, build, Chromium if missing, then jest (small and medium tests)
//   node deploy/local/run.js bench   run a benchmark against the stack from `up`
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

async function up() {
  const started = Date.now();
  fs.mkdirSync(logDir, { recursive: true });
  const existing = readStack();
  if (existing && Object.values(existing.services).some((s) => alive(s.pid))) {
    log('a stack is already running; stopping it first');
    await down();
  }
  ensureDependencies();
  build();
  const stack = loadBuilt('deploy/local/stack.js');
  const { resolvePostgresServer } = loadBuilt('libs/persistence/src/index.js');

  const postgres = await resolvePostgresServer({ dataDir: path.join(runDir, 'postgres') });
  log(`postgres: ${postgres.source}`);
  let kafkaBrokers = process.env.KAFKA_BROKERS;
  let kafkaStarted = false;
  if (!kafkaBrokers) {
    const kafkaScript = path.join(__dirname, 'kafka.sh');
    kafkaStarted = spawnSync('bash', [kafkaScript, 'status']).status !== 0;
    sh('bash', [kafkaScript, 'start']);
    kafkaBrokers = `127.0.0.1:${process.env.KAFKA_PORT || 9092}`;
  }
  const created = await stack.provisionTopics(kafkaBrokers);
  log(`topics: ${created.length} created`);

  const adminToken = stackSecret('admin-token', process.env.ADMIN_TOKEN);
  const auditOpsToken = stackSecret('audit-ops-token', process.env.AUDIT_OPS_TOKEN);
  const settings = { postgresUrl: postgres.url, kafkaBrokers, logLevel: process.env.LOG_LEVEL || 'info' };
  const services = {};
  for (const service of stack.STACK_SERVICES) {
    const logFile = path.join(logDir, `${service.name}.log`);
    const extraEnv =
      service.name === 'scim-gateway' ? { ADMIN_TOKEN: adminToken } : service.name === 'audit-log-service' ? { AUDIT_OPS_TOKEN: auditOpsToken } : {};
    const child = stack.spawnService(service, { ...settings, extraEnv }, logFile, true);
    child.unref();
    services[service.name] = { pid: child.pid, url: `http://127.0.0.1:${service.port}`, log: path.relative(root, logFile) };
  }
  const state = {
    startedAt: new Date().toISOString(),
    kafka: { brokers: kafkaBrokers, startedByUp: kafkaStarted },
    postgres: { source: postgres.source, url: postgres.url },
    services,
  };
  fs.writeFileSync(stackFile, JSON.stringify(state, null, 2));
  try {
    await Promise.all(
      stack.STACK_SERVICES.map((s) =>
        stack.waitUntilReady(services[s.name].url, 120000, () => alive(services[s.name].pid)),
      ),
    );
  } catch (err) {
    log(`${err.message}; see the logs in ${path.relative(root, logDir)}/`);
    await down();
    process.exit(1);
  }
  const tenant = await stack.createDevTenant(services['scim-gateway'].url, adminToken);
  fs.writeFileSync(path.join(runDir, 'dev-tenant.json'), JSON.stringify(tenant, null, 2));
  state.devTenant = { scimUrl: tenant.scimUrl };
  fs.writeFileSync(stackFile, JSON.stringify(state, null, 2));
  for (const [name, s] of Object.entries(services)) console.log(`${name.padEnd(26)} ${s.url}   log: ${s.log}`);
  console.log(`kafka                      ${kafkaBrokers}`);
  console.log(`\ndev tenant SCIM URL: ${tenant.scimUrl}\ndev tenant token:    ${tenant.token}\n(both in .run/dev-tenant.json; the admin API token is in .run/admin-token)`);
  console.log(`audit dashboard:     ${services['audit-log-service'].url}/dashboard   (ops token in .run/audit-ops-token)`);
  log(`stack ready in ${((Date.now() - started) / 1000).toFixed(1)} s; stop it with: npm run down`);
  process.exit(0);
}

async function down() {
  const state = readStack();
  if (state) {
    const pids = Object.values(state.services).map((s) => s.pid).filter(alive);
    for (const pid of pids) process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + 30000;
    while (pids.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    for (const pid of pids.filter(alive)) process.kill(pid, 'SIGKILL');
    log(`stopped ${pids.length} service(s)`);
    if (state.postgres && state.postgres.source === 'embedded') {
      const { stopEmbeddedPostgres } = loadBuilt('libs/persistence/src/index.js');
      stopEmbeddedPostgres(path.join(runDir, 'postgres'));
      log('stopped the embedded Postgres');
    }
    fs.rmSync(stackFile, { force: true });
  }
  if (!state || state.kafka.startedByUp) sh('bash', [path.join(__dirname, 'kafka.sh'), 'stop']);
}

function test(extraArgs) {
  ensureDependencies();
  build();
  log('type-checking everything, tests included (tsc --noEmit)');
  sh(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json', '--noEmit']);
  // The audit dashboard's browser test drives headless Chromium (installed from Debian when missing).
  sh('bash', [path.join(__dirname, 'chromium.sh'), 'ensure']);
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
const commands = { up, down, test: () => test(rest), bench: () => bench(rest) };
if (!commands[command]) {
  console.error('usage: run.js up|down|test|bench [args]');
  process.exit(2);
}
Promise.resolve(commands[command]()).catch((err) => {
  log(err.stack || String(err));
  process.exit(1);
});
