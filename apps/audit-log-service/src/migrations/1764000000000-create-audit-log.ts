import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log: requests and changes in append-only tables partitioned by day (partitions are
 * created ahead and dropped past the retention period by AuditPartitions), the latest known state
 * of each resource (to compute before/after differences), the tenants seen, and the tenant
 * credentials of the query API. Writes to the two log tables other than INSERT are refused by a
 * trigger; the only way rows leave is a whole partition dropped by the retention job.
 */
export class CreateAuditLog1764000000000 implements MigrationInterface {
  name = 'CreateAuditLog1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE audit_requests (
      record_id varchar(200) NOT NULL,
      received_at timestamptz NOT NULL,
      tenant_id varchar(100),
      token_id varchar(100),
      method varchar(16) NOT NULL,
      path text NOT NULL,
      query text NOT NULL DEFAULT '',
      status smallint NOT NULL,
      scim_type varchar(64),
      latency_ms double precision NOT NULL,
      correlation_id varchar(200) NOT NULL,
      client_request_id varchar(200),
      resource_type varchar(16),
      operation varchar(16) NOT NULL,
      resource_ids text[] NOT NULL DEFAULT '{}',
      user_name text,
      external_id text,
      request_body jsonb,
      response_body jsonb,
      ingested_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (record_id, received_at)
    ) PARTITION BY RANGE (received_at)`);
    await queryRunner.query(`CREATE INDEX audit_requests_tenant_time ON audit_requests (tenant_id, received_at DESC, record_id DESC)`);
    await queryRunner.query(`CREATE INDEX audit_requests_time ON audit_requests (received_at DESC, record_id DESC)`);
    await queryRunner.query(`CREATE INDEX audit_requests_failures ON audit_requests (tenant_id, received_at DESC) WHERE status >= 400`);
    await queryRunner.query(`CREATE INDEX audit_requests_resource_ids ON audit_requests USING gin (resource_ids)`);
    await queryRunner.query(`CREATE INDEX audit_requests_user_name ON audit_requests (tenant_id, lower(user_name)) WHERE user_name IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX audit_requests_external_id ON audit_requests (tenant_id, external_id) WHERE external_id IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX audit_requests_correlation ON audit_requests (correlation_id)`);
    await queryRunner.query(`CREATE INDEX audit_requests_client_request ON audit_requests (client_request_id) WHERE client_request_id IS NOT NULL`);

    await queryRunner.query(`CREATE TABLE audit_changes (
      event_id varchar(200) NOT NULL,
      occurred_at timestamptz NOT NULL,
      tenant_id varchar(100) NOT NULL,
      type varchar(64) NOT NULL,
      resource_type varchar(16) NOT NULL,
      resource_id varchar(200) NOT NULL,
      user_name text,
      external_id text,
      display_name text,
      correlation_id varchar(200),
      changed_attributes text[] NOT NULL DEFAULT '{}',
      differences jsonb NOT NULL DEFAULT '[]',
      member_ids text[] NOT NULL DEFAULT '{}',
      ingested_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (event_id, occurred_at)
    ) PARTITION BY RANGE (occurred_at)`);
    await queryRunner.query(`CREATE INDEX audit_changes_resource ON audit_changes (tenant_id, resource_type, resource_id, occurred_at, event_id)`);
    await queryRunner.query(`CREATE INDEX audit_changes_members ON audit_changes USING gin (member_ids)`);
    await queryRunner.query(`CREATE INDEX audit_changes_tenant_time ON audit_changes (tenant_id, occurred_at DESC, event_id DESC)`);
    await queryRunner.query(`CREATE INDEX audit_changes_time ON audit_changes (occurred_at DESC, event_id DESC)`);
    await queryRunner.query(`CREATE INDEX audit_changes_user_name ON audit_changes (tenant_id, lower(user_name)) WHERE user_name IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX audit_changes_correlation ON audit_changes (correlation_id) WHERE correlation_id IS NOT NULL`);

    await queryRunner.query(`CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the audit log is append-only: % on % refused', TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
      END $$`);
    for (const table of ['audit_requests', 'audit_changes']) {
      await queryRunner.query(`CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()`);
    }

    await queryRunner.query(`CREATE TABLE audit_resources (
      tenant_id varchar(100) NOT NULL,
      resource_type varchar(16) NOT NULL,
      resource_id varchar(200) NOT NULL,
      user_name text,
      external_id text,
      display_name text,
      deleted boolean NOT NULL DEFAULT false,
      state jsonb NOT NULL,
      last_changed_at timestamptz NOT NULL,
      last_event_id varchar(200) NOT NULL,
      PRIMARY KEY (tenant_id, resource_type, resource_id)
    )`);
    await queryRunner.query(`CREATE INDEX audit_resources_user_name ON audit_resources (lower(user_name) text_pattern_ops)`);
    await queryRunner.query(`CREATE INDEX audit_resources_external_id ON audit_resources (lower(external_id) text_pattern_ops)`);
    await queryRunner.query(`CREATE INDEX audit_resources_display_name ON audit_resources (lower(display_name) text_pattern_ops)`);

    await queryRunner.query(`CREATE TABLE audit_tenants (
      tenant_id varchar(100) PRIMARY KEY,
      first_seen_at timestamptz NOT NULL,
      last_seen_at timestamptz NOT NULL
    )`);

    await queryRunner.query(`CREATE TABLE audit_credentials (
      id uuid PRIMARY KEY,
      tenant_id varchar(100) NOT NULL,
      label varchar(200),
      secret_hash char(64) NOT NULL UNIQUE,
      created_at timestamptz NOT NULL DEFAULT now(),
      revoked_at timestamptz
    )`);
    await queryRunner.query(`CREATE INDEX audit_credentials_tenant ON audit_credentials (tenant_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['audit_credentials', 'audit_tenants', 'audit_resources', 'audit_changes', 'audit_requests']) {
      await queryRunner.query(`DROP TABLE IF EXISTS ${table}`);
    }
    await queryRunner.query('DROP FUNCTION IF EXISTS audit_refuse_change()');
  }
}
