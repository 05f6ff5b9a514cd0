import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per tenant and minute: requests by outcome, a latency histogram and failures by scimType,
 * counted in the transaction that stores the requests (only rows new to the log count), so
 * summaries and tenant health read a few rows per minute instead of scanning the requests.
 * The tenants get their registry name (from the gateway's tenant events) and the times of their
 * last success and last 401. Existing requests are rolled up here once.
 */
/** The latency buckets' upper bounds (ms) as this migration knew them (domain/request-outcome.ts). */
const BOUNDS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

export class AddRequestRollups1764100000000 implements MigrationInterface {
  name = 'AddRequestRollups1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE audit_request_rollups (
      tenant_id varchar(100) NOT NULL,
      minute timestamptz NOT NULL,
      requests integer NOT NULL,
      successes integer NOT NULL,
      client_errors integer NOT NULL,
      server_errors integer NOT NULL,
      throttled integer NOT NULL,
      unauthorized integer NOT NULL,
      latency_sum_ms double precision NOT NULL,
      latency_buckets integer[] NOT NULL,
      failures jsonb NOT NULL,
      PRIMARY KEY (tenant_id, minute)
    )`);
    await queryRunner.query(`CREATE INDEX audit_request_rollups_minute ON audit_request_rollups (minute)`);
    await queryRunner.query(`ALTER TABLE audit_tenants
      ADD COLUMN name varchar(200),
      ADD COLUMN last_success_at timestamptz,
      ADD COLUMN last_unauthorized_at timestamptz`);
    const bucketOf = `CASE ${BOUNDS_MS.map((b, i) => `WHEN latency_ms <= ${b} THEN ${i}`).join(' ')} ELSE ${BOUNDS_MS.length} END`;
    const histogram = `ARRAY[${BOUNDS_MS.map((_, i) => `count(*) FILTER (WHERE b = ${i})`).join(', ')}, count(*) FILTER (WHERE b = ${BOUNDS_MS.length})]::integer[]`;
    await queryRunner.query(`INSERT INTO audit_request_rollups
      SELECT tenant_id, minute, count(*),
        count(*) FILTER (WHERE status < 400),
        count(*) FILTER (WHERE status >= 400 AND status < 500 AND status NOT IN (401, 429, 499)),
        count(*) FILTER (WHERE status >= 500 OR status = 499),
        count(*) FILTER (WHERE status = 429),
        count(*) FILTER (WHERE status = 401),
        sum(latency_ms), ${histogram}, '{}'::jsonb
      FROM (SELECT tenant_id, status, latency_ms, date_trunc('minute', received_at) AS minute, ${bucketOf} AS b
            FROM audit_requests WHERE tenant_id IS NOT NULL) r
      GROUP BY tenant_id, minute`);
    await queryRunner.query(`UPDATE audit_request_rollups u SET failures = f.failures FROM (
        SELECT tenant_id, minute, jsonb_object_agg(kind, n) AS failures FROM (
          SELECT tenant_id, date_trunc('minute', received_at) AS minute, coalesce(scim_type, 'status:' || status) AS kind, count(*) AS n
          FROM audit_requests WHERE tenant_id IS NOT NULL AND status >= 400 GROUP BY 1, 2, 3) k GROUP BY 1, 2) f
      WHERE u.tenant_id = f.tenant_id AND u.minute = f.minute`);
    await queryRunner.query(`UPDATE audit_tenants t SET
        last_success_at = (SELECT max(received_at) FROM audit_requests r WHERE r.tenant_id = t.tenant_id AND r.status < 400),
        last_unauthorized_at = (SELECT max(received_at) FROM audit_requests r WHERE r.tenant_id = t.tenant_id AND r.status = 401)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE audit_tenants DROP COLUMN last_unauthorized_at, DROP COLUMN last_success_at, DROP COLUMN name');
    await queryRunner.query('DROP TABLE audit_request_rollups');
  }
}
