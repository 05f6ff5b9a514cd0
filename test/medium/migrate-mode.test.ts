import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import { USER_SERVICE_MIGRATIONS } from '../../apps/user-service/src/user-service.definition';
import { PROCESS_INTERNAL_API_TOKEN } from '../../deploy/local/stack';
import { dropTestDatabase, testDatabaseUrl } from './support/databases';
import { readInfra, ROOT } from './support/test-infra';

/**
 * `main.js migrate`, as the Kubernetes init containers run it (deploy/kubernetes): creates and
 * migrates the service's database and exits 0, without Kafka (the broker here is an address
 * nothing listens on) and without serving HTTP.
 */
const infra = readInfra();

function runBuilt(app: string, args: string[], env: Record<string, string>) {
  return spawnSync(process.execPath, ['-r', 'tsconfig-paths/register', join(ROOT, 'dist', 'apps', app, 'src', 'main.js'), ...args], {
    cwd: ROOT,
    env: { ...process.env, TS_NODE_BASEURL: join(ROOT, 'dist'), ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

async function migrationNames(url: string): Promise<string[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY id')).rows.map((r) => r.name);
  } finally {
    await client.end();
  }
}

describe('service process in migrate mode', () => {
  const url = testDatabaseUrl(infra.postgresUrl, 'migrate_mode');
  // The whole configuration the service validates at boot, as its Kubernetes init container gets it.
  const env = { DATABASE_URL: url, KAFKA_BROKERS: '127.0.0.1:1', HTTP_PORT: '1', INTERNAL_API_TOKEN: PROCESS_INTERNAL_API_TOKEN };
  afterAll(() => dropTestDatabase(url));

  it('creates and migrates the database, then exits 0 without Kafka; a second run finds nothing to do', async () => {
    const first = runBuilt('user-service', ['migrate'], env);
    expect(first.status).toBe(0);
    const expected = USER_SERVICE_MIGRATIONS.map((m) => m.name);
    expect(await migrationNames(url)).toEqual(expected);
    const lines = first.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { message: string; migrations?: string[] });
    expect(lines.find((l) => l.message === 'migrations applied')?.migrations).toEqual(expected);

    const again = runBuilt('user-service', ['migrate'], env);
    expect(again.status).toBe(0);
    expect(await migrationNames(url)).toEqual(expected);
  });

  it('exits 64 on an unknown argument and 78 on a bad configuration, before touching the database', () => {
    const unknown = runBuilt('user-service', ['migrate-all'], env);
    expect(unknown.status).toBe(64);
    expect(unknown.stderr).toContain('expected none, or \\"migrate\\"');
    const bad = runBuilt('user-service', ['migrate'], { ...env, DATABASE_URL: 'not a url' });
    expect(bad.status).toBe(78);
    expect(bad.stderr).toContain('DATABASE_URL');
  });
});
