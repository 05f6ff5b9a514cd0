import { Client } from 'pg';

/** The database name a postgres:// URL points at. */
export function databaseNameOf(url: string): string {
  const name = new URL(url).pathname.replace(/^\//, '');
  if (!name) throw new Error(`database URL names no database: ${redactUrl(url)}`);
  return decodeURIComponent(name);
}

/** The same server with another database name. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

/** The URL without its password, for logs and errors. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<unparseable url>';
  }
}

const VALID_NAME = /^[A-Za-z0-9_]+$/;

/**
 * Creates the database the URL names when it does not exist, connecting to the server's
 * `postgres` maintenance database. Safe when several processes race to create the same one.
 */
export async function ensureDatabase(url: string): Promise<boolean> {
  const name = databaseNameOf(url);
  if (!VALID_NAME.test(name)) throw new Error(`database name "${name}" must match ${VALID_NAME}`);
  const client = new Client({ connectionString: withDatabase(url, 'postgres') });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return false;
    try {
      // Identifiers cannot be bound as parameters; the name was checked against VALID_NAME.
      await client.query(`CREATE DATABASE "${name}"`);
      return true;
    } catch (err) {
      const code = (err as { code?: string }).code;
      // 42P04 duplicate_database, 23505 unique_violation: another process created it first.
      if (code === '42P04' || code === '23505') return false;
      throw err;
    }
  } finally {
    await client.end();
  }
}

/** Drops a database (tests clean up after themselves with this). */
export async function dropDatabase(url: string): Promise<void> {
  const name = databaseNameOf(url);
  if (!VALID_NAME.test(name)) throw new Error(`database name "${name}" must match ${VALID_NAME}`);
  const client = new Client({ connectionString: withDatabase(url, 'postgres') });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
