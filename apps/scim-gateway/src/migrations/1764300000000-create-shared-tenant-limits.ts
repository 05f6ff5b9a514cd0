import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per-tenant limits shared by every gateway instance on one database (docs/deploy.md, "Several gateway instances"): one token
 * bucket row per tenant that instances lease tokens from, and the instances alive now, by which a
 * tenant's writes-in-flight cap is divided.
 */
export class CreateSharedTenantLimits1764300000000 implements MigrationInterface {
  name = 'CreateSharedTenantLimits1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE tenant_rate_buckets (
        tenant_id uuid NOT NULL,
        tokens double precision NOT NULL,
        granted double precision NOT NULL,
        refilled_at timestamp with time zone NOT NULL,
        CONSTRAINT "PK_tenant_rate_buckets" PRIMARY KEY (tenant_id),
        CONSTRAINT "FK_tenant_rate_buckets_tenant" FOREIGN KEY (tenant_id) REFERENCES tenants(id) ON DELETE CASCADE
      )`);
    await queryRunner.query(`
      CREATE TABLE gateway_instances (
        instance_id character varying(100) NOT NULL,
        seen_at timestamp with time zone NOT NULL,
        CONSTRAINT "PK_gateway_instances" PRIMARY KEY (instance_id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE gateway_instances');
    await queryRunner.query('DROP TABLE tenant_rate_buckets');
  }
}
