import { MigrationInterface, QueryRunner } from 'typeorm';
import { MESSAGING_TABLES_V1_DOWN, MESSAGING_TABLES_V1_UP, MESSAGING_TABLES_V2_DOWN, MESSAGING_TABLES_V2_UP } from '@app/messaging';

/**
 * The gateway publishes its tenant registry's changes (scim.tenant-events.v1) through a
 * transactional outbox like the owning services: the messaging tables, at their current version.
 */
export class CreateOutbox1764200000000 implements MigrationInterface {
  name = 'CreateOutbox1764200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const sql of [...MESSAGING_TABLES_V1_UP, ...MESSAGING_TABLES_V2_UP]) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const sql of [...MESSAGING_TABLES_V2_DOWN, ...MESSAGING_TABLES_V1_DOWN]) await queryRunner.query(sql);
  }
}
