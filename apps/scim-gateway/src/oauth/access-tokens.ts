/**
 * Access tokens of the client credentials grant as JWTs after RFC 9068: header `typ: at+jwt`,
 * claims iss, aud, sub (the client, RFC 9068 §2.2: the client is the subject when no resource
 * owner is involved), client_id, iat, exp, jti, scope, and `tenant_id`. Signed and checked
 * with `jose`; verification also demands the typ, the algorithm, the issuer and the audience
 * (RFC 9068 §4), so a token minted for anything else is refused.
 */
import { randomUUID } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { ACCESS_TOKEN_ALG, type SigningKeyRing } from './signing-key-ring';

export const ACCESS_TOKEN_TYPE = 'at+jwt';
/** The one scope there is: the tenant's SCIM endpoints. */
export const SCIM_SCOPE = 'scim';

export interface AccessTokenOptions {
  /** `iss`: the authorization server (this gateway), the same on every instance. */
  issuer: string;
  /** `aud`: the SCIM service the tokens are for (its base URL). */
  audience: string;
  ttlSeconds: number;
  now?: () => number;
}

export interface MintedAccessToken {
  accessToken: string;
  expiresIn: number;
  scope: string;
}

export interface VerifiedAccessToken {
  clientId: string;
  tenantId: string;
  jti: string;
}

/** Three base64url segments: the compact JWS serialization (RFC 7515 §7.1). */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export function looksLikeJwt(value: string): boolean {
  return COMPACT_JWS.test(value);
}

export class AccessTokens {
  private readonly now: () => number;

  constructor(
    private readonly keys: SigningKeyRing,
    private readonly options: AccessTokenOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  async mint(client: { clientId: string; tenantId: string }): Promise<MintedAccessToken> {
    const { kid, privateKey } = await this.keys.signingKey();
    const issuedAt = Math.floor(this.now() / 1000);
    const accessToken = await new SignJWT({ client_id: client.clientId, tenant_id: client.tenantId, scope: SCIM_SCOPE })
      .setProtectedHeader({ alg: ACCESS_TOKEN_ALG, typ: ACCESS_TOKEN_TYPE, kid })
      .setIssuer(this.options.issuer)
      .setAudience(this.options.audience)
      .setSubject(client.clientId)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + this.options.ttlSeconds)
      .setJti(randomUUID())
      .sign(privateKey);
    return { accessToken, expiresIn: this.options.ttlSeconds, scope: SCIM_SCOPE };
  }

  /**
   * The client and tenant a valid token names; undefined for anything that is not one of our
   * unexpired tokens. Failures to load keys (the database away) are thrown, not taken as "invalid".
   */
  async verify(token: string): Promise<VerifiedAccessToken | undefined> {
    if (!looksLikeJwt(token)) return undefined;
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(
        token,
        async (header) => {
          const key = typeof header.kid === 'string' ? await this.keys.verificationKey(header.kid) : undefined;
          if (!key) throw new joseErrors.JWKSNoMatchingKey();
          return key;
        },
        {
          issuer: this.options.issuer,
          audience: this.options.audience,
          algorithms: [ACCESS_TOKEN_ALG],
          typ: ACCESS_TOKEN_TYPE,
          requiredClaims: ['exp', 'iat', 'jti', 'sub', 'client_id', 'tenant_id'],
          currentDate: new Date(this.now()),
        },
      ));
    } catch (err) {
      if (err instanceof joseErrors.JOSEError) return undefined;
      throw err;
    }
    const { sub, client_id: clientId, tenant_id: tenantId, jti } = payload;
    if (typeof clientId !== 'string' || clientId !== sub || typeof tenantId !== 'string' || typeof jti !== 'string') return undefined;
    return { clientId, tenantId, jti };
  }
}
