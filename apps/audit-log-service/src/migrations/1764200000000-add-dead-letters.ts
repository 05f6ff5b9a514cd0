import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Dead-lettered messages of every topic, as the audit log collects them from the `<topic>.dlt`
 * topics (one row per dead-letter record, keyed by its coordinates so a redelivery is stored
 * once), and every replay of one: who, when, why, and where the copy went.
 */
export class AddDeadLetters1764200000000 implements MigrationInterface {
  name = 'AddDeadLetters1764200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE audit_dead_letters (
      id bigserial PRIMARY KEY,
      dlt_topic varchar(249) NOT NULL,
      dlt_partition integer NOT NULL,
      dlt_offset bigint NOT NULL,
      original_topic varchar(249) NOT NULL,
      original_partition integer,
      original_offset bigint,
      consumer_group varchar(255),
      tenant_id varchar(100),
      message_id varchar(200),
      message_key bytea,
      message_value bytea,
      headers jsonb NOT NULL,
      error text NOT NULL,
      error_kind varchar(40),
      attempts integer,
      failed_at timestamptz NOT NULL,
      collected_at timestamptz NOT NULL DEFAULT now(),
      replay_count integer NOT NULL DEFAULT 0,
      last_replayed_at timestamptz,
      UNIQUE (dlt_topic, dlt_partition, dlt_offset)
    )`);
    await queryRunner.query(`CREATE INDEX audit_dead_letters_failed_at ON audit_dead_letters (failed_at DESC, id DESC)`);
    await queryRunner.query(`CREATE INDEX audit_dead_letters_topic ON audit_dead_letters (original_topic, failed_at DESC, id DESC)`);
    await queryRunner.query(`CREATE TABLE audit_dead_letter_replays (
      id bigserial PRIMARY KEY,
      dead_letter_id bigint NOT NULL REFERENCES audit_dead_letters (id) ON DELETE CASCADE,
      replayed_at timestamptz NOT NULL DEFAULT now(),
      replayed_by varchar(200) NOT NULL,
      reason varchar(500),
      topic varchar(249) NOT NULL,
      kafka_partition integer NOT NULL,
      kafka_offset bigint NOT NULL
    )`);
    await queryRunner.query(`CREATE INDEX audit_dead_letter_replays_letter ON audit_dead_letter_replays (dead_letter_id, id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE audit_dead_letter_replays');
    await queryRunner.query('DROP TABLE audit_dead_letters');
  }
}
