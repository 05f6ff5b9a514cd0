/**
 * Bearer token secrets: `scim_` + 32 random bytes in base64url (43 characters). Only the
 * SHA-256 of the whole string is stored (hex, tenant_tokens.token_hash); the secret is shown
 * once, when issued. A fast hash is enough here: the secret has 256 bits of entropy, so there is
 * nothing to brute-force, and a lookup by hash is one index probe.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const TOKEN_PREFIX = 'scim_';
const TOKEN_BYTES = 32;
const TOKEN_FORMAT = /^scim_[A-Za-z0-9_-]{43}$/;

export function generateTokenSecret(): string {
  return TOKEN_PREFIX + randomBytes(TOKEN_BYTES).toString('base64url');
}

/** Whether a presented string could be one of our tokens; others are refused without a lookup. */
export function looksLikeTokenSecret(value: string): boolean {
  return TOKEN_FORMAT.test(value);
}

export function hashTokenSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/**
 * Compares two secrets in time independent of where they differ (both are hashed first, so
 * their lengths are equal and the comparison leaks nothing about either).
 */
export function secretsEqual(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a, 'utf8').digest(), createHash('sha256').update(b, 'utf8').digest());
}

/** Compares two hex SHA-256 digests in constant time. */
export function hashesEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}
