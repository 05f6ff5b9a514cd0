import { MigrationInterface, QueryRunner } from 'typeorm';
import { MESSAGING_TABLES_V1_DOWN, MESSAGING_TABLES_V1_UP } from '@app/messaging';

export class CreateMessagingTables1763840000000 implements MigrationInterface {
  name = 'CreateMessagingTables1763840000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const sql of MESSAGING_TABLES_V1_UP) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const sql of MESSAGING_TABLES_V1_DOWN) await queryRunner.query(sql);
  }
}
