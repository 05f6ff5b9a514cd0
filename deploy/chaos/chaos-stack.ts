import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PrivatePostgresServer } from '@app/persistence';
import { AdminClient, ProvisionedTenant } from '../local/admin-client';
import { builtEntryPoint, PROJECT_ROOT, serviceEnvironment, STACK_SERVICES, StackService } from '../local/stack';
import { httpReady, kafkaReady, provisionWithRetries } from '../local/supervise';
import { Supervisor } from '../local/supervisor';

export type ServiceName = StackService['name'];

/**
 * Everything the chaos suite breaks, of its own and on loopback only: a Kafka node, a Postgres
 * server, and the four services, all under the same Supervisor `npm run up` uses (so a killed
 * process is restarted exactly as it is there). Nothing shared is touched: ports are free ones,
 * data lives in a temporary directory removed at the end.
 */
export class ChaosStack {
  readonly dir = mkdtempSync(join(tmpdir(), 'scim-chaos-'));
  readonly adminToken = randomBytes(24).toString('base64url');
  readonly auditOpsToken = randomBytes(24).toString('base64url');
  readonly supervisor = new Supervisor([], { log: (line) => this.log(line) });
  readonly urls = new Map<ServiceName, string>();
  postgres!: PrivatePostgresServer;
  kafkaBrokers = '';

  constructor(private readonly log: (line: string) => void = () => undefined) {}

  async start(serviceEnv: Partial<Record<ServiceName, Record<string, string>>> = {}): Promise<void> {
    mkdirSync(join(this.dir, 'logs'), { recursive: true });
    this.postgres = new PrivatePostgresServer(join(this.dir, 'postgres'), await freePort());
    await this.postgres.start();
    const kafkaPort = await freePort();
    this.kafkaBrokers = `127.0.0.1:${kafkaPort}`;
    this.supervisor.add({
      name: 'kafka',
      command: 'bash',
      args: [join(PROJECT_ROOT, 'deploy', 'local', 'kafka.sh'), 'run'],
      cwd: PROJECT_ROOT,
      env: { ...process.env, KAFKA_PORT: String(kafkaPort), KAFKA_CONTROLLER_PORT: String(await freePort()), KAFKA_RUN_DIR: join(this.dir, 'kafka') },
      logFile: join(this.dir, 'logs', 'kafka.log'),
      ready: () => kafkaReady(this.kafkaBrokers),
    });
    this.supervisor.start('kafka');
    await this.supervisor.waitReady('kafka', 180_000);
    await provisionWithRetries(this.kafkaBrokers, (message) => this.log(message));

    const ports = new Map<ServiceName, number>();
    for (const s of STACK_SERVICES) ports.set(s.name, await freePort());
    for (const s of STACK_SERVICES) this.urls.set(s.name, `http://127.0.0.1:${ports.get(s.name)}`);
    const common: Record<ServiceName, Record<string, string>> = {
      'scim-gateway': {
        ADMIN_TOKEN: this.adminToken,
        USER_SERVICE_URL: this.urls.get('user-service')!,
        GROUP_SERVICE_URL: this.urls.get('group-membership-service')!,
        DECISION_TIMEOUT_MS: '5000',
      },
      'user-service': {},
      'group-membership-service': { USER_SERVICE_URL: this.urls.get('user-service')! },
      'audit-log-service': { AUDIT_OPS_TOKEN: this.auditOpsToken },
    };
    for (const s of STACK_SERVICES) {
      const url = this.urls.get(s.name)!;
      this.supervisor.add({
        name: s.name,
        command: process.execPath,
        args: ['-r', 'tsconfig-paths/register', builtEntryPoint(s.name)],
        cwd: PROJECT_ROOT,
        env: {
          ...process.env,
          ...serviceEnvironment(s, {
            postgresUrl: this.postgres.url,
            kafkaBrokers: this.kafkaBrokers,
            portOverride: ports.get(s.name),
            extraEnv: { KAFKA_SESSION_TIMEOUT_MS: '10000', ...common[s.name], ...serviceEnv[s.name] },
          }),
          TS_NODE_BASEURL: join(PROJECT_ROOT, 'dist'),
        },
        logFile: join(this.dir, 'logs', `${s.name}.log`),
        ready: () => httpReady(url),
        stopTimeoutMs: 20_000,
      });
      this.supervisor.start(s.name);
    }
    await Promise.all(STACK_SERVICES.map((s) => this.supervisor.waitReady(s.name, 180_000)));
  }

  get gatewayUrl(): string {
    return this.urls.get('scim-gateway')!;
  }

  async tenants(n: number, label: string): Promise<ProvisionedTenant[]> {
    const admin = new AdminClient(this.gatewayUrl, this.adminToken);
    const tenants: ProvisionedTenant[] = [];
    // Rate limits well above the burst: what is measured is faults, not a tenant's own limit.
    for (let i = 0; i < n; i++) tenants.push(await admin.createTenant(`chaos-${label}-${i}`, { rateLimit: { requestsPerSecond: 5000, burst: 5000 }, maxWritesInFlight: 1000 }));
    return tenants;
  }

  /** Whether every service answers its readiness probe right now. */
  async allReady(): Promise<boolean> {
    const answers = await Promise.all(STACK_SERVICES.map((s) => httpReady(this.urls.get(s.name)!)));
    return answers.every(Boolean);
  }

  async stop(keepFiles = false): Promise<void> {
    await this.supervisor.stopAll();
    try {
      this.postgres?.stop();
    } finally {
      if (!keepFiles) rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port'))));
    });
  });
}
