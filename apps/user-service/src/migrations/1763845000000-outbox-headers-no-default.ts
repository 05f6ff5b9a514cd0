import { MigrationInterface, QueryRunner } from 'typeorm';
import { MESSAGING_TABLES_V2_DOWN, MESSAGING_TABLES_V2_UP } from '@app/messaging';

export class OutboxHeadersNoDefault1763845000000 implements MigrationInterface {
  name = 'OutboxHeadersNoDefault1763845000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const sql of MESSAGING_TABLES_V2_UP) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const sql of MESSAGING_TABLES_V2_DOWN) await queryRunner.query(sql);
  }
}
