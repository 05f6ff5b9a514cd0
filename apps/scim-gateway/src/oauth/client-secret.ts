/**
 * OAuth client secrets: `scimcs_` + 32 random bytes in base64url. Stored as SHA-256 hex like
 * tenant tokens (token-secret.ts): 256 bits of entropy leave nothing to brute-force, so a slow
 * password hash would only cost time on every token request.
 */
import { randomBytes } from 'node:crypto';

export const CLIENT_SECRET_PREFIX = 'scimcs_';
const CLIENT_SECRET_FORMAT = /^scimcs_[A-Za-z0-9_-]{43}$/;

export function generateClientSecret(): string {
  return CLIENT_SECRET_PREFIX + randomBytes(32).toString('base64url');
}

/** Whether a presented string could be one of our client secrets; others are refused without a lookup. */
export function looksLikeClientSecret(value: string): boolean {
  return CLIENT_SECRET_FORMAT.test(value);
}
