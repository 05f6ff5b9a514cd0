/**
 * The keys access tokens are signed with (RFC 9068 §2.1: signed JWTs; RS256, which every
 * resource server of the profile must support), rotated, with their public halves published.
 *
 * Each gateway instance makes its own key pair, keeps the private key in memory only and
 * publishes the public JWK in `oauth_signing_keys` before signing anything with it, so any
 * instance verifies any instance's tokens and the JWKS lists them all. A key signs for one
 * rotation period, then a new one is made; the old one stays published until the last token it
 * signed has expired, then it is deleted. No private key is ever at rest: a restarted instance
 * simply makes a new key (its old public key stays published until it expires).
 */
import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, type JWK, type KeyLike } from 'jose';
import type { SigningKeyRecord } from './oauth-client-records';

export const ACCESS_TOKEN_ALG = 'RS256';

/** Clocks of instances differ a little: a key stays published this much longer than strictly needed. */
const CLOCK_SKEW_MS = 60_000;

export interface SigningKeyStore {
  insert(key: SigningKeyRecord): Promise<void>;
  listPublished(now: Date, limit: number): Promise<SigningKeyRecord[]>;
  deleteExpired(now: Date): Promise<number>;
}

export interface SigningKeyRingOptions {
  /** How long one key signs before the instance makes the next. */
  rotationMs: number;
  /** Lifetime of the tokens it signs: a key stays published rotationMs + tokenTtlMs (+ skew). */
  tokenTtlMs: number;
  /** An unknown kid reloads the published keys at most this often (a stream of junk kids costs one query a second). */
  reloadIntervalMs?: number;
  /** Most keys loaded (instances × keys alive per instance stays far below it). */
  maxPublished?: number;
  now?: () => number;
}

interface KnownKey {
  key: KeyLike;
  jwk: JWK;
  expiresAt: number;
}

export interface SigningKey {
  kid: string;
  privateKey: KeyLike;
  signsUntil: number;
}

export class SigningKeyRing {
  private current?: SigningKey;
  private rotating?: Promise<SigningKey>;
  private readonly known = new Map<string, KnownKey>();
  private lastReload = Number.NEGATIVE_INFINITY;
  private reloading?: Promise<void>;
  private readonly now: () => number;
  private readonly reloadIntervalMs: number;
  private readonly maxPublished: number;

  constructor(
    private readonly store: SigningKeyStore,
    private readonly options: SigningKeyRingOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.reloadIntervalMs = options.reloadIntervalMs ?? 1000;
    this.maxPublished = options.maxPublished ?? 100;
  }

  /** The key to sign with now: made (and published) on first use and when the current one's period is over. */
  async signingKey(): Promise<SigningKey> {
    const current = this.current;
    if (current && this.now() < current.signsUntil) return current;
    this.rotating ??= this.rotate().finally(() => {
      this.rotating = undefined;
    });
    return this.rotating;
  }

  /** The public key a token names in its `kid`, if published and not expired. */
  async verificationKey(kid: string): Promise<KeyLike | undefined> {
    const known = this.liveKey(kid);
    if (known) return known.key;
    await this.reload(false);
    return this.liveKey(kid)?.key;
  }

  /** RFC 7517 JWK Set of every published key, the instance's own and the other instances'. */
  async jwks(): Promise<{ keys: JWK[] }> {
    await this.reload(false);
    const now = this.now();
    const keys = [...this.known.values()].filter((k) => k.expiresAt > now).map((k) => k.jwk);
    return { keys };
  }

  private liveKey(kid: string): KnownKey | undefined {
    const known = this.known.get(kid);
    if (known && known.expiresAt <= this.now()) {
      this.known.delete(kid);
      return undefined;
    }
    return known;
  }

  private async rotate(): Promise<SigningKey> {
    const { publicKey, privateKey } = await generateKeyPair(ACCESS_TOKEN_ALG, { modulusLength: 2048 });
    const kid = randomBytes(16).toString('base64url');
    const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: ACCESS_TOKEN_ALG, use: 'sig' };
    const created = this.now();
    const signsUntil = created + this.options.rotationMs;
    const expiresAt = signsUntil + this.options.tokenTtlMs + CLOCK_SKEW_MS;
    // Published before the first token it signs exists, so every instance can verify that token.
    await this.store.insert({ kid, publicJwk: jwk, createdAt: new Date(created), signsUntil: new Date(signsUntil), expiresAt: new Date(expiresAt) });
    this.known.set(kid, { key: publicKey, jwk, expiresAt });
    // Retention: keys whose last token has expired are of no use to anyone.
    await this.store.deleteExpired(new Date(created)).catch(() => 0);
    this.current = { kid, privateKey, signsUntil };
    return this.current;
  }

  /** Loads the published keys; `force` false: at most once per reloadIntervalMs, shared by concurrent callers. */
  private reload(force: boolean): Promise<void> {
    if (this.reloading) return this.reloading;
    if (!force && this.now() - this.lastReload < this.reloadIntervalMs) return Promise.resolve();
    this.lastReload = this.now();
    this.reloading = this.load().finally(() => {
      this.reloading = undefined;
    });
    return this.reloading;
  }

  private async load(): Promise<void> {
    const now = this.now();
    const published = await this.store.listPublished(new Date(now), this.maxPublished);
    const seen = new Set<string>();
    for (const record of published) {
      seen.add(record.kid);
      if (this.known.has(record.kid)) continue;
      const jwk = record.publicJwk;
      const key = await importJWK(jwk, ACCESS_TOKEN_ALG);
      if (typeof key === 'object' && !(key instanceof Uint8Array)) {
        this.known.set(record.kid, { key, jwk, expiresAt: record.expiresAt.getTime() });
      }
    }
    for (const [kid, known] of this.known) {
      if (known.expiresAt <= now || (!seen.has(kid) && kid !== this.current?.kid)) this.known.delete(kid);
    }
  }
}
