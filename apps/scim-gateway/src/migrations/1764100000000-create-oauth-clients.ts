import { MigrationInterface, QueryRunner } from 'typeorm';

/** OAuth 2.0 client credentials (RFC 6749 §4.4): a tenant's clients, and the published signing keys. */
export class CreateOAuthClients1764100000000 implements MigrationInterface {
  name = 'CreateOAuthClients1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE oauth_clients (
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL,
      name varchar(200) NOT NULL,
      secret_hash char(64) NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      revoked_at timestamptz,
      last_token_at timestamptz,
      CONSTRAINT "PK_oauth_clients" PRIMARY KEY (id),
      CONSTRAINT "FK_oauth_clients_tenant" FOREIGN KEY (tenant_id) REFERENCES tenants(id) ON DELETE CASCADE
    )`);
    await queryRunner.query('CREATE INDEX oauth_clients_tenant_idx ON oauth_clients (tenant_id)');
    await queryRunner.query(`CREATE TABLE oauth_signing_keys (
      kid varchar(64) NOT NULL,
      public_jwk jsonb NOT NULL,
      created_at timestamptz NOT NULL,
      signs_until timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      CONSTRAINT "PK_oauth_signing_keys" PRIMARY KEY (kid)
    )`);
    await queryRunner.query('CREATE INDEX oauth_signing_keys_expires_idx ON oauth_signing_keys (expires_at)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE IF EXISTS oauth_signing_keys');
    await queryRunner.query('DROP TABLE IF EXISTS oauth_clients');
  }
}
