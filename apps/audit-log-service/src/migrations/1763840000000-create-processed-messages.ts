import { MigrationInterface, QueryRunner } from 'typeorm';

/** The audit log publishes nothing, so it has no outbox; it deduplicates what it consumes. */
export class CreateProcessedMessages1763840000000 implements MigrationInterface {
  name = 'CreateProcessedMessages1763840000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE processed_messages (
      consumer varchar(200) NOT NULL,
      message_id varchar(200) NOT NULL,
      processed_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (consumer, message_id)
    )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE IF EXISTS processed_messages');
  }
}
