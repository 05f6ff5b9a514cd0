/** What an Authorization header carries, as far as RFC 6750 §2.1 bearer tokens go. */
export type BearerCredential = { kind: 'none' } | { kind: 'malformed' } | { kind: 'bearer'; token: string };

// RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token; b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
const BEARER = /^Bearer(?:\s+(.*))?$/i;
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * `none` when there is no bearer credential at all (no header, or another scheme such as Basic):
 * RFC 6750 §3.1 then wants a challenge without an error code. `malformed` when a Bearer
 * credential is there but cannot be a token.
 */
export function bearerCredentialOf(header: string | string[] | undefined): BearerCredential {
  if (header === undefined) return { kind: 'none' };
  // Several Authorization headers are ambiguous: refuse rather than pick one.
  if (Array.isArray(header)) return header.length === 0 ? { kind: 'none' } : { kind: 'malformed' };
  const match = BEARER.exec(header.trim());
  if (!match) return { kind: 'none' };
  const token = (match[1] ?? '').trim();
  if (!B64TOKEN.test(token)) return { kind: 'malformed' };
  return { kind: 'bearer', token };
}
