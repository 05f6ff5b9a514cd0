/** Options of the OAuth 2.0 client credentials endpoints (OAuthModule.forRoot). */
export interface OAuthOptions {
  /** `iss` of every access token and the base of the endpoints' URLs (RFC 8414 issuer). */
  issuer: string;
  /** `aud` of every access token: the SCIM base URL. */
  audience: string;
  accessTokenTtlSeconds: number;
  /** How long one signing key signs before the instance makes the next. */
  keyRotationSeconds: number;
}

export const OAUTH_OPTIONS = Symbol('OAUTH_OPTIONS');

/** Routes, outside the SCIM base path (they take no tenant bearer token). */
export const OAUTH_TOKEN_PATH = '/oauth/v1/token';
export const OAUTH_JWKS_PATH = '/oauth/v1/jwks';
export const OAUTH_METADATA_PATH = '/.well-known/oauth-authorization-server';
