import { COMMAND_REPLIES_TABLE_SQL } from '@app/commands';
import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateUsers1763900000000 implements MigrationInterface {
  name = 'CreateUsers1763900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE users (
      tenant_id varchar(200) NOT NULL,
      id uuid NOT NULL,
      user_name text NOT NULL,
      external_id text,
      display_name text,
      active boolean,
      resource jsonb NOT NULL,
      version integer NOT NULL,
      created_at timestamptz NOT NULL,
      last_modified timestamptz NOT NULL,
      CONSTRAINT "PK_users" PRIMARY KEY (tenant_id, id)
    )`);
    // userName is unique per tenant and not case-exact (RFC 7643 §4.1): the index decides
    // conflicts and serves `userName eq` (Entra's lookup before every create).
    await queryRunner.query('CREATE UNIQUE INDEX users_tenant_user_name_key ON users (tenant_id, lower(user_name))');
    // externalId is case-exact (RFC 7643 §3.1), so the plain column is the key.
    await queryRunner.query('CREATE INDEX users_tenant_external_id_idx ON users (tenant_id, external_id)');
    // The reply ledger's table, the same in every owning service (libs/commands).
    for (const statement of COMMAND_REPLIES_TABLE_SQL) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE IF EXISTS command_replies');
    await queryRunner.query('DROP TABLE IF EXISTS users');
  }
}
