import { MigrationInterface, QueryRunner } from 'typeorm';

/** Tenant names are unique (the admin API answers 409), and profiles have no default: every write sets one. */
export class TenantNameUnique1763845000000 implements MigrationInterface {
  name = 'TenantNameUnique1763845000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE UNIQUE INDEX IF NOT EXISTS tenants_name_key ON tenants (name)');
    await queryRunner.query('ALTER TABLE tenants ALTER COLUMN profile DROP DEFAULT');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE tenants ALTER COLUMN profile SET DEFAULT '{}'::jsonb`);
    await queryRunner.query('DROP INDEX IF EXISTS tenants_name_key');
  }
}
