import type { JWK } from 'jose';
import type { TenantRecord } from '../tenants/tenant-records';

/** An OAuth client as listed: never its secret, never its hash. */
export interface OAuthClientRecord {
  /** The RFC 6749 `client_id`. */
  clientId: string;
  tenantId: string;
  name: string;
  createdAt: Date;
  revokedAt: Date | null;
  lastTokenAt: Date | null;
}

export interface OAuthClientWithTenant {
  client: OAuthClientRecord & { secretHash: string };
  tenant: TenantRecord;
}

/** A published signing key (its public JWK); the private half lives in one instance's memory. */
export interface SigningKeyRecord {
  kid: string;
  publicJwk: JWK;
  createdAt: Date;
  signsUntil: Date;
  expiresAt: Date;
}
