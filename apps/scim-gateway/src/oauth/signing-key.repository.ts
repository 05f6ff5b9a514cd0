import { Injectable } from '@nestjs/common';
import type { JWK } from 'jose';
import { DataSource } from 'typeorm';
import type { SigningKeyRecord } from './oauth-client-records';

interface KeyRow {
  kid: string;
  public_jwk: JWK;
  created_at: Date;
  signs_until: Date;
  expires_at: Date;
}

/** SQL over `oauth_signing_keys`: keys are the gateway's, not a tenant's, so no tenant id here. */
@Injectable()
export class SigningKeyRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(key: SigningKeyRecord): Promise<void> {
    await this.dataSource.query('INSERT INTO oauth_signing_keys (kid, public_jwk, created_at, signs_until, expires_at) VALUES ($1, $2::jsonb, $3, $4, $5)', [
      key.kid,
      JSON.stringify(key.publicJwk),
      key.createdAt,
      key.signsUntil,
      key.expiresAt,
    ]);
  }

  /** Keys still published at `now`; bounded, since each lives for one rotation plus one token lifetime. */
  async listPublished(now: Date, limit: number): Promise<SigningKeyRecord[]> {
    const rows: KeyRow[] = await this.dataSource.query(
      'SELECT kid, public_jwk, created_at, signs_until, expires_at FROM oauth_signing_keys WHERE expires_at > $1 ORDER BY created_at DESC LIMIT $2',
      [now, limit],
    );
    return rows.map((row) => ({ kid: row.kid, publicJwk: row.public_jwk, createdAt: row.created_at, signsUntil: row.signs_until, expiresAt: row.expires_at }));
  }

  async deleteExpired(now: Date): Promise<number> {
    const [, count]: [unknown, number] = await this.dataSource.query('DELETE FROM oauth_signing_keys WHERE expires_at <= $1', [now]);
    return count;
  }
}
