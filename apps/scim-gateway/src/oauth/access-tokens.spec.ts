import { decodeProtectedHeader, decodeJwt, SignJWT, generateKeyPair } from 'jose';
import { AccessTokens } from './access-tokens';
import type { SigningKeyRecord } from './oauth-client-records';
import { SigningKeyRing, type SigningKeyStore } from './signing-key-ring';

/** The published-keys table in memory (small test: the SQL is covered by the medium test). */
class MemoryKeyStore implements SigningKeyStore {
  readonly rows = new Map<string, SigningKeyRecord>();
  loads = 0;
  async insert(key: SigningKeyRecord) {
    this.rows.set(key.kid, key);
  }
  async listPublished(now: Date) {
    this.loads++;
    return [...this.rows.values()].filter((k) => k.expiresAt > now);
  }
  async deleteExpired(now: Date) {
    let n = 0;
    for (const [kid, k] of this.rows) if (k.expiresAt <= now && this.rows.delete(kid)) n++;
    return n;
  }
}

const HOUR = 3_600_000;
const client = { clientId: '6f1c2a52-8a5b-4f0e-9d8e-2d0a3b5c7e91', tenantId: '0b7f6a9e-1d2c-4e3f-8a5b-6c7d8e9f0a1b' };

function setUp() {
  let now = Date.parse('2026-03-01T00:00:00Z');
  const clock = { now: () => now, advance: (ms: number) => (now += ms) };
  const store = new MemoryKeyStore();
  const options = { rotationMs: 24 * HOUR, tokenTtlMs: HOUR, now: clock.now };
  const ring = new SigningKeyRing(store, options);
  const tokens = new AccessTokens(ring, { issuer: 'https://gw.example', audience: 'https://gw.example/scim/v2', ttlSeconds: 3600, now: clock.now });
  // Another gateway instance: its own ring (own private key), same table.
  const other = new AccessTokens(new SigningKeyRing(store, options), { issuer: 'https://gw.example', audience: 'https://gw.example/scim/v2', ttlSeconds: 3600, now: clock.now });
  return { clock, store, ring, tokens, other };
}

describe('AccessTokens (RFC 9068 JWT access tokens)', () => {
  it('mints a signed at+jwt with the profile’s claims, and verifies it', async () => {
    const { tokens } = setUp();
    const minted = await tokens.mint(client);
    expect(minted).toMatchObject({ expiresIn: 3600, scope: 'scim' });
    expect(decodeProtectedHeader(minted.accessToken)).toMatchObject({ alg: 'RS256', typ: 'at+jwt', kid: expect.any(String) });
    const claims = decodeJwt(minted.accessToken);
    expect(claims).toMatchObject({
      iss: 'https://gw.example',
      aud: 'https://gw.example/scim/v2',
      sub: client.clientId,
      client_id: client.clientId,
      tenant_id: client.tenantId,
      scope: 'scim',
    });
    expect((claims.exp as number) - (claims.iat as number)).toBe(3600);
    expect(claims.jti).toEqual(expect.any(String));
    expect(await tokens.verify(minted.accessToken)).toEqual({ clientId: client.clientId, tenantId: client.tenantId, jti: claims.jti });
  });

  it('verifies a token another instance signed with its own key, from the published JWK', async () => {
    const { tokens, other, ring } = setUp();
    const minted = await other.mint(client);
    expect(await tokens.verify(minted.accessToken)).toMatchObject({ clientId: client.clientId });
    expect((await ring.jwks()).keys.map((k) => k.kid)).toContain(decodeProtectedHeader(minted.accessToken).kid);
  });

  it('refuses an expired token, a tampered one, another audience, and a token not typed at+jwt', async () => {
    const { tokens, clock } = setUp();
    const minted = await tokens.mint(client);
    const [h, p, s] = minted.accessToken.split('.');
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...decodeJwt(minted.accessToken), tenant_id: 'someone-else' })).toString('base64url')}.${s}`;
    expect(await tokens.verify(tampered)).toBeUndefined();
    expect(await tokens.verify(`${h}.${p}`)).toBeUndefined();
    clock.advance(HOUR + 1000);
    expect(await tokens.verify(minted.accessToken)).toBeUndefined();

    const { privateKey } = await generateKeyPair('RS256');
    const foreign = await new SignJWT({ client_id: client.clientId, tenant_id: client.tenantId })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: 'nope' })
      .setIssuer('https://gw.example')
      .setAudience('https://gw.example/scim/v2')
      .setSubject(client.clientId)
      .setIssuedAt()
      .setExpirationTime('1h')
      .setJti('x')
      .sign(privateKey);
    expect(await setUp().tokens.verify(foreign)).toBeUndefined();
  });

  it('rotates the signing key; old keys keep verifying until their last token expired, then leave the JWKS', async () => {
    const { tokens, ring, clock, store } = setUp();
    const first = await tokens.mint(client);
    clock.advance(24 * HOUR - 1000);
    const lastOfFirstKey = await tokens.mint(client);
    expect(decodeProtectedHeader(lastOfFirstKey.accessToken).kid).toBe(decodeProtectedHeader(first.accessToken).kid);
    clock.advance(2000);
    const second = await tokens.mint(client);
    expect(decodeProtectedHeader(second.accessToken).kid).not.toBe(decodeProtectedHeader(first.accessToken).kid);
    expect(await tokens.verify(lastOfFirstKey.accessToken)).toBeDefined();
    expect((await ring.jwks()).keys).toHaveLength(2);
    clock.advance(HOUR + 120_000); // the first key's last token has expired
    await tokens.mint(client); // still the second key
    expect((await ring.jwks()).keys.map((k) => k.kid)).toEqual([decodeProtectedHeader(second.accessToken).kid]);
    clock.advance(24 * HOUR);
    await tokens.mint(client); // third key: the first is deleted from the table
    expect([...store.rows.keys()]).not.toContain(decodeProtectedHeader(first.accessToken).kid);
  });

  it('reloads the published keys at most once a second for unknown kids', async () => {
    const { tokens, store } = setUp();
    const minted = await tokens.mint(client);
    const [, p, s] = minted.accessToken.split('.');
    const before = store.loads;
    for (let i = 0; i < 20; i++) {
      const header = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'at+jwt', kid: `junk-${i}` })).toString('base64url');
      expect(await tokens.verify(`${header}.${p}.${s}`)).toBeUndefined();
    }
    expect(store.loads - before).toBeLessThanOrEqual(1);
  });
});
