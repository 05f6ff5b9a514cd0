import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateTenantRegistry1763840000000 implements MigrationInterface {
  name = 'CreateTenantRegistry1763840000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE tenants (
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      name varchar(200) NOT NULL,
      profile jsonb NOT NULL DEFAULT '{}'::jsonb,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "PK_tenants" PRIMARY KEY (id)
    )`);
    await queryRunner.query(`CREATE TABLE tenant_tokens (
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL,
      name varchar(200) NOT NULL,
      token_hash char(64) NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      revoked_at timestamptz,
      last_used_at timestamptz,
      CONSTRAINT "PK_tenant_tokens" PRIMARY KEY (id),
      CONSTRAINT "FK_tenant_tokens_tenant" FOREIGN KEY (tenant_id) REFERENCES tenants(id) ON DELETE CASCADE
    )`);
    await queryRunner.query('CREATE INDEX tenant_tokens_tenant_idx ON tenant_tokens (tenant_id)');
    await queryRunner.query('CREATE UNIQUE INDEX tenant_tokens_hash_key ON tenant_tokens (token_hash)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE IF EXISTS tenant_tokens');
    await queryRunner.query('DROP TABLE IF EXISTS tenants');
  }
}
