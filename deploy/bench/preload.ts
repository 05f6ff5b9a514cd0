import { Client } from 'pg';
import { withDatabase } from '@app/persistence';
import { AdminClient } from '../local/admin-client';
import type { RunningStack } from './stack-handle';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const CHUNK = 100_000;

/**
 * `--preload N`: makes the stores hold at least N users before a bench, loaded by SQL in chunks of
 * 100,000 (about a minute per million here), not through SCIM one by one. The users belong to a
 * tenant of their own (`bench-preload`), shaped as the user-service stores a created user; the
 * group-membership-service learns them as it would from their events. Ids are derived from the
 * row number (md5), so both stores agree without reading each other, and a second run only tops
 * up what is missing.
 */
export async function preloadUsers(
  stack: RunningStack,
  n: number,
  progress: (line: string) => void,
): Promise<{ tenantId: string; users: number; loaded: number; seconds: number }> {
  if (!stack.postgresUrl) throw new Error('--preload needs the stack Postgres URL in .run/stack.json');
  const started = performance.now();
  const tenant = await new AdminClient(stack.gatewayUrl, stack.adminToken).ensureTenant('bench-preload', {});
  const users = new Client({ connectionString: withDatabase(stack.postgresUrl, 'scim_user_service') });
  const groups = new Client({ connectionString: withDatabase(stack.postgresUrl, 'scim_group_membership_service') });
  await users.connect();
  await groups.connect();
  try {
    const { rows } = await users.query<{ n: string }>('SELECT count(*) AS n FROM users WHERE tenant_id = $1', [tenant.tenantId]);
    const existing = Number(rows[0].n);
    let loaded = 0;
    for (let from = existing + 1; from <= n; from += CHUNK) {
      const to = Math.min(n, from + CHUNK - 1);
      await users.query(
        `INSERT INTO users (tenant_id, id, user_name, external_id, display_name, active, resource, version, created_at, last_modified)
         SELECT $1, u.id, u.user_name, 'pre-' || u.g, 'Preload ' || u.g, true,
                jsonb_build_object('schemas', jsonb_build_array($4::text), 'id', u.id, 'userName', u.user_name,
                  'externalId', 'pre-' || u.g, 'displayName', 'Preload ' || u.g, 'active', true,
                  'name', jsonb_build_object('givenName', 'Preload', 'familyName', 'User ' || u.g),
                  'emails', jsonb_build_array(jsonb_build_object('type', 'work', 'value', u.user_name, 'primary', true)),
                  'meta', jsonb_build_object('resourceType', 'User', 'created', u.at, 'lastModified', u.at, 'version', 'W/"1"')),
                1, now(), now()
         FROM (SELECT g, md5($1 || ':' || g)::uuid AS id, 'preload.' || g || '@example.com' AS user_name,
                      to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at
               FROM generate_series($2::int, $3::int) AS g) AS u
         ON CONFLICT DO NOTHING`,
        [tenant.tenantId, from, to, USER_SCHEMA],
      );
      await groups
        .query(
          `INSERT INTO known_users (tenant_id, user_id, display_name)
         SELECT $1::text, md5($1::text || ':' || g)::uuid, 'Preload ' || g FROM generate_series($2::int, $3::int) AS g
         ON CONFLICT DO NOTHING`,
          [tenant.tenantId, from, to],
        )
        .catch((err: Error) => progress(`preload: known_users not loaded (${err.message})`));
      loaded += to - from + 1;
      progress(`preload: ${existing + loaded} of ${n} users stored`);
    }
    if (loaded > 0) await users.query('ANALYZE users');
    return { tenantId: tenant.tenantId, users: Math.max(existing, n), loaded, seconds: Math.round((performance.now() - started) / 100) / 10 };
  } finally {
    await users.end();
    await groups.end();
  }
}

/** Size of each of the stack's databases (bytes), and of the tables that grow with traffic. */
export async function storeSizes(stack: RunningStack): Promise<Record<string, number>> {
  if (!stack.postgresUrl) return {};
  const client = new Client({ connectionString: stack.postgresUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string; bytes: string }>(
      `SELECT datname, pg_database_size(datname) AS bytes FROM pg_database
       WHERE datname IN ('scim_gateway', 'scim_user_service', 'scim_group_membership_service', 'scim_audit_log_service')`,
    );
    return Object.fromEntries(rows.map((r) => [r.datname, Number(r.bytes)]));
  } finally {
    await client.end();
  }
}
