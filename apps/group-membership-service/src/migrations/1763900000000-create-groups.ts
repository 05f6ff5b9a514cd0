import { COMMAND_REPLIES_TABLE_SQL } from '@app/commands';
import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateGroups1763900000000 implements MigrationInterface {
  name = 'CreateGroups1763900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // `resource` is the SCIM Group without members: a 100k-member group stays a small row and
    // its members live one row each in `memberships`, changed with set-based SQL.
    await queryRunner.query(`CREATE TABLE groups (
      tenant_id varchar(200) NOT NULL,
      id uuid NOT NULL,
      display_name text NOT NULL,
      external_id text,
      managed boolean NOT NULL DEFAULT true,
      resource jsonb NOT NULL,
      version integer NOT NULL,
      created_at timestamptz NOT NULL,
      last_modified timestamptz NOT NULL,
      CONSTRAINT "PK_groups" PRIMARY KEY (tenant_id, id)
    )`);
    // Unique among managed groups only (Fulcrum: app-owned groups may repeat a managed name);
    // displayName is not caseExact, and it is how Entra and Genesys match groups.
    await queryRunner.query('CREATE UNIQUE INDEX groups_tenant_display_name_key ON groups (tenant_id, lower(display_name)) WHERE managed');
    await queryRunner.query('CREATE INDEX groups_tenant_display_name_idx ON groups (tenant_id, lower(display_name))');
    await queryRunner.query('CREATE INDEX groups_tenant_external_id_idx ON groups (tenant_id, external_id)');
    await queryRunner.query(`CREATE TABLE memberships (
      tenant_id varchar(200) NOT NULL,
      group_id uuid NOT NULL,
      member_id uuid NOT NULL,
      CONSTRAINT "PK_memberships" PRIMARY KEY (tenant_id, group_id, member_id),
      CONSTRAINT "FK_memberships_group" FOREIGN KEY (tenant_id, group_id) REFERENCES groups (tenant_id, id) ON DELETE CASCADE
    )`);
    // A user's groups (User.groups) and removal of a deleted user from every group.
    await queryRunner.query('CREATE INDEX memberships_tenant_member_idx ON memberships (tenant_id, member_id)');
    // Users as the user-service's events describe them: member display names and deletions.
    await queryRunner.query(`CREATE TABLE known_users (
      tenant_id varchar(200) NOT NULL,
      user_id uuid NOT NULL,
      display_name text,
      deleted boolean NOT NULL DEFAULT false,
      CONSTRAINT "PK_known_users" PRIMARY KEY (tenant_id, user_id)
    )`);
    // The reply ledger's table, the same in every owning service (libs/commands).
    for (const statement of COMMAND_REPLIES_TABLE_SQL) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE IF EXISTS command_replies');
    await queryRunner.query('DROP TABLE IF EXISTS known_users');
    await queryRunner.query('DROP TABLE IF EXISTS memberships');
    await queryRunner.query('DROP TABLE IF EXISTS groups');
  }
}
