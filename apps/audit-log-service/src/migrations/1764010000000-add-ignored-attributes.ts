import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Request records name the unknown attributes a tenant's `ignore` profile dropped; changes get a
 * sequence in the order they were consumed, which orders changes of the same instant (a group's
 * creation and its first members) as their events came.
 */
export class AddIgnoredAttributes1764010000000 implements MigrationInterface {
  name = 'AddIgnoredAttributes1764010000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE audit_requests ADD COLUMN ignored_attributes text[] NOT NULL DEFAULT '{}'`);
    await queryRunner.query(`CREATE SEQUENCE audit_changes_seq`);
    await queryRunner.query(`ALTER TABLE audit_changes ADD COLUMN seq bigint NOT NULL DEFAULT nextval('audit_changes_seq')`);
    await queryRunner.query(`ALTER SEQUENCE audit_changes_seq OWNED BY audit_changes.seq`);
    await queryRunner.query(`CREATE INDEX audit_changes_resource_seq ON audit_changes (tenant_id, resource_type, resource_id, occurred_at, seq)`);
    await queryRunner.query(`DROP INDEX audit_changes_resource`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX audit_changes_resource ON audit_changes (tenant_id, resource_type, resource_id, occurred_at, event_id)`);
    await queryRunner.query('DROP INDEX audit_changes_resource_seq');
    await queryRunner.query('ALTER TABLE audit_changes DROP COLUMN seq');
    await queryRunner.query('ALTER TABLE audit_requests DROP COLUMN ignored_attributes');
  }
}
