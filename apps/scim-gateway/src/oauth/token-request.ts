/**
 * The token request of the client credentials grant (RFC 6749 §4.4.2) and its client
 * authentication (§2.3.1): HTTP Basic with the form-encoded id and secret, or both in the body;
 * never both ways at once. Pure, so every refusal is tested without a server.
 */
import { SCIM_SCOPE } from './access-tokens';

/** RFC 6749 §5.2 error codes this endpoint can answer. */
export type OAuthErrorCode = 'invalid_request' | 'invalid_client' | 'unsupported_grant_type' | 'invalid_scope' | 'temporarily_unavailable';

export interface OAuthErrorAnswer {
  ok: false;
  status: 400 | 401 | 503;
  error: OAuthErrorCode;
  description: string;
  /** RFC 6749 §5.2: invalid_client after Basic authentication carries a Basic challenge. */
  basicChallenge?: boolean;
}

export interface ClientCredentialsRequest {
  ok: true;
  clientId: string;
  clientSecret: string;
  /** How the client authenticated, for the challenge if its credentials are refused. */
  viaBasic: boolean;
}

export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';

/** A form body as the gateway's parser gives it: every parameter with all its values. */
export type FormBody = Record<string, string[]>;

export function parseTokenRequest(contentType: string | undefined, body: unknown, authorization: string | string[] | undefined): ClientCredentialsRequest | OAuthErrorAnswer {
  if (!contentType || contentType.split(';')[0].trim().toLowerCase() !== FORM_CONTENT_TYPE || !isFormBody(body)) {
    return invalid('invalid_request', `The token request must be ${FORM_CONTENT_TYPE} (RFC 6749 §4.4.2)`);
  }
  // §3.2: parameters sent without a value are treated as omitted; none may be repeated.
  const params: Record<string, string> = {};
  for (const [name, values] of Object.entries(body)) {
    const present = values.filter((v) => v !== '');
    if (present.length > 1) return invalid('invalid_request', `Parameter ${name} is repeated`);
    if (present.length === 1) params[name] = present[0]!;
  }
  if (params.grant_type === undefined) return invalid('invalid_request', 'grant_type is missing');
  if (params.grant_type !== 'client_credentials') {
    return invalid('unsupported_grant_type', 'Only the client_credentials grant is supported (RFC 6749 §4.4)');
  }
  if (params.scope !== undefined && params.scope.split(' ').some((s) => s !== '' && s !== SCIM_SCOPE)) {
    return invalid('invalid_scope', `The only scope is "${SCIM_SCOPE}"`);
  }
  const basic = basicCredentials(authorization);
  if (basic === 'malformed')
    return { ok: false, status: 401, error: 'invalid_client', description: 'The Authorization header is not valid Basic client authentication', basicChallenge: true };
  const inBody = params.client_id !== undefined || params.client_secret !== undefined;
  if (basic && inBody) return invalid('invalid_request', 'Authenticate the client one way only: HTTP Basic or the request body (RFC 6749 §2.3)');
  if (basic) return { ok: true, clientId: basic.id, clientSecret: basic.secret, viaBasic: true };
  if (params.client_id === undefined || params.client_secret === undefined) {
    return { ok: false, status: 401, error: 'invalid_client', description: 'Client authentication is required (HTTP Basic, or client_id and client_secret)', basicChallenge: true };
  }
  return { ok: true, clientId: params.client_id, clientSecret: params.client_secret, viaBasic: false };
}

/** Parses an x-www-form-urlencoded body (WHATWG URLSearchParams: "+" is a space). */
export function parseFormBody(text: string): FormBody {
  const body: FormBody = {};
  for (const [name, value] of new URLSearchParams(text)) (body[name] ??= []).push(value);
  return body;
}

function isFormBody(body: unknown): body is FormBody {
  return typeof body === 'object' && body !== null && !Array.isArray(body) && Object.values(body).every((v) => Array.isArray(v));
}

/** `Basic base64(urlencode(id) ":" urlencode(secret))`; undefined when there is no Basic header. */
function basicCredentials(header: string | string[] | undefined): { id: string; secret: string } | 'malformed' | undefined {
  if (header === undefined) return undefined;
  if (Array.isArray(header)) return 'malformed';
  const match = /^Basic\s+([A-Za-z0-9+/]+=*)\s*$/i.exec(header.trim());
  if (!match) return /^Basic\b/i.test(header.trim()) ? 'malformed' : undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return 'malformed';
  try {
    // §2.3.1: both are form-encoded before being joined, so a ":" in either stays unambiguous.
    const decode = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
    return { id: decode(decoded.slice(0, colon)), secret: decode(decoded.slice(colon + 1)) };
  } catch {
    return 'malformed';
  }
}

function invalid(error: OAuthErrorCode, description: string): OAuthErrorAnswer {
  return { ok: false, status: 400, error, description };
}
