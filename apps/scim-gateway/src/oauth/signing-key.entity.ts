import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * The public half of a key a gateway instance signs access tokens with (published in the JWKS).
 * The private half never leaves the instance's memory (see signing-key-ring.ts).
 */
@Entity({ name: 'oauth_signing_keys' })
export class OAuthSigningKey {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  kid: string;

  /** RFC 7517 JWK of the public key, with kid, alg and use. */
  @Column({ name: 'public_jwk', type: 'jsonb' })
  publicJwk: Record<string, unknown>;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  /** The instance signs with it until then, then makes a new key. */
  @Column({ name: 'signs_until', type: 'timestamptz' })
  signsUntil: Date;

  /** After the last token it signed expired: no longer published, deleted. */
  @Index('oauth_signing_keys_expires_idx')
  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;
}
