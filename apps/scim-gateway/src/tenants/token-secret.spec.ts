import { createHash } from 'node:crypto';
import { generateTokenSecret, hashesEqual, hashTokenSecret, looksLikeTokenSecret, secretsEqual } from './token-secret';

describe('token secrets', () => {
  it('are scim_ + 32 random bytes in base64url, and differ every time', () => {
    const a = generateTokenSecret();
    const b = generateTokenSecret();
    expect(a).toMatch(/^scim_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a.slice(5), 'base64url')).toHaveLength(32);
    expect(a).not.toBe(b);
    expect(looksLikeTokenSecret(a)).toBe(true);
  });

  it.each(['', 'scim_', 'scim_short', `scim_${'a'.repeat(44)}`, `SCIM_${'a'.repeat(43)}`, `scim_${'a'.repeat(42)}=`, `xxxx_${'a'.repeat(43)}`])(
    'refuses %j without a lookup',
    (value) => expect(looksLikeTokenSecret(value)).toBe(false),
  );

  it('are stored as the SHA-256 hex of the whole string', () => {
    const secret = generateTokenSecret();
    expect(hashTokenSecret(secret)).toBe(createHash('sha256').update(secret).digest('hex'));
    expect(hashTokenSecret(secret)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('compare in constant time whatever the lengths', () => {
    expect(secretsEqual('admin-secret', 'admin-secret')).toBe(true);
    expect(secretsEqual('admin-secret', 'admin-secreT')).toBe(false);
    expect(secretsEqual('admin-secret', 'a')).toBe(false);
    const hash = hashTokenSecret('x');
    expect(hashesEqual(hash, hash)).toBe(true);
    expect(hashesEqual(hash, hashTokenSecret('y'))).toBe(false);
    expect(hashesEqual(hash, '')).toBe(false);
  });
});
