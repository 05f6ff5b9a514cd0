/**
 * Domain errors of the gateway's edge: tenants, tokens, authentication and load shedding.
 * Services throw these without knowing HTTP; ScimExceptionFilter maps each code to a status,
 * a SCIM error body (RFC 7644 §3.12) and the headers the code needs (error-response.ts).
 */
export const GatewayErrorCode = {
  /** No tenant with that id. */
  tenantNotFound: 'TENANT_NOT_FOUND',
  /** A tenant with that name exists already (names are unique). */
  tenantNameTaken: 'TENANT_NAME_TAKEN',
  /** The connector profile or another admin input failed validation; `problems` lists why. */
  invalidInput: 'INVALID_INPUT',
  /** No token with that id for the tenant. */
  tokenNotFound: 'TOKEN_NOT_FOUND',
  /** No OAuth client with that id for the tenant. */
  oauthClientNotFound: 'OAUTH_CLIENT_NOT_FOUND',
  /** No bearer credential at all (RFC 6750 §3.1: no error code in the challenge). */
  missingCredentials: 'MISSING_CREDENTIALS',
  /** A credential was sent but it is malformed, unknown or revoked (RFC 6750 §3.1 invalid_token). */
  invalidCredentials: 'INVALID_CREDENTIALS',
  /** The tenant's request-rate bucket is empty. */
  rateLimited: 'RATE_LIMITED',
  /** The tenant already has its maximum number of writes in flight. */
  tooManyWritesInFlight: 'TOO_MANY_WRITES_IN_FLIGHT',
  /** The platform as a whole takes no more writes right now (adaptive admission): shed before it queues. */
  atCapacity: 'AT_CAPACITY',
  /**
   * The owning service did not decide a write before the deadline; the command may still apply,
   * so the client retries later (docs: "on a deadline, answer 503 with Retry-After").
   */
  decisionPending: 'DECISION_PENDING',
  /** The resource exists but does not take this method (RFC 9110 §15.5.6: answer with Allow). */
  methodNotAllowed: 'METHOD_NOT_ALLOWED',
  /** Something the gateway needs (the tenant registry's database) cannot be reached right now. */
  temporarilyUnavailable: 'TEMPORARILY_UNAVAILABLE',
} as const;
export type GatewayErrorCode = (typeof GatewayErrorCode)[keyof typeof GatewayErrorCode];

export interface GatewayErrorOptions {
  /** Seconds after which the client may retry (Retry-After, RFC 9110 §10.2.3). */
  retryAfterSeconds?: number;
  /** Protection space named in the WWW-Authenticate challenge (RFC 6750 §3): "scim" or "admin". */
  realm?: string;
  /** Every validation problem, so one answer names them all. */
  problems?: string[];
  /** Methods the resource does take, for the Allow header of a 405. */
  allow?: string[];
}

export class GatewayError extends Error {
  readonly retryAfterSeconds?: number;
  readonly realm?: string;
  readonly problems?: string[];
  readonly allow?: string[];

  constructor(
    readonly code: GatewayErrorCode,
    readonly detail: string,
    options: GatewayErrorOptions = {},
  ) {
    super(detail);
    this.name = 'GatewayError';
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.realm = options.realm;
    this.problems = options.problems;
    this.allow = options.allow;
  }

  static tenantNotFound(tenantId: string): GatewayError {
    return new GatewayError(GatewayErrorCode.tenantNotFound, `Tenant ${tenantId} not found`);
  }

  static tenantNameTaken(name: string): GatewayError {
    return new GatewayError(GatewayErrorCode.tenantNameTaken, `A tenant named "${name}" already exists`);
  }

  static invalidInput(what: string, problems: string[]): GatewayError {
    return new GatewayError(GatewayErrorCode.invalidInput, `Invalid ${what}: ${problems.join('; ')}`, { problems });
  }

  static tokenNotFound(tokenId: string): GatewayError {
    return new GatewayError(GatewayErrorCode.tokenNotFound, `Token ${tokenId} not found`);
  }

  static oauthClientNotFound(clientId: string): GatewayError {
    return new GatewayError(GatewayErrorCode.oauthClientNotFound, `OAuth client ${clientId} not found`);
  }

  static missingCredentials(realm: string): GatewayError {
    return new GatewayError(GatewayErrorCode.missingCredentials, 'Authentication required: send "Authorization: Bearer <token>"', { realm });
  }

  static invalidCredentials(realm: string): GatewayError {
    return new GatewayError(GatewayErrorCode.invalidCredentials, 'The bearer token is not valid (malformed, unknown or revoked)', { realm });
  }

  static rateLimited(requestsPerSecond: number, retryAfterSeconds: number): GatewayError {
    return new GatewayError(GatewayErrorCode.rateLimited, `Rate limit of ${requestsPerSecond} requests per second exceeded; retry after ${retryAfterSeconds} s`, {
      retryAfterSeconds,
    });
  }

  static decisionPending(detail: string, retryAfterSeconds: number): GatewayError {
    return new GatewayError(GatewayErrorCode.decisionPending, detail, { retryAfterSeconds });
  }

  static temporarilyUnavailable(detail: string, retryAfterSeconds: number): GatewayError {
    return new GatewayError(GatewayErrorCode.temporarilyUnavailable, detail, { retryAfterSeconds });
  }

  static methodNotAllowed(method: string, allow: string[]): GatewayError {
    return new GatewayError(GatewayErrorCode.methodNotAllowed, `Method ${method} is not allowed here; allowed: ${allow.join(', ')}`, { allow });
  }

  static tooManyWritesInFlight(limit: number, retryAfterSeconds: number): GatewayError {
    return new GatewayError(GatewayErrorCode.tooManyWritesInFlight, `Too many writes in flight for this tenant (limit ${limit}); retry after ${retryAfterSeconds} s`, {
      retryAfterSeconds,
    });
  }

  static atCapacity(retryAfterSeconds: number): GatewayError {
    return new GatewayError(GatewayErrorCode.atCapacity, `The platform is at capacity for writes right now; retry after ${retryAfterSeconds} s`, { retryAfterSeconds });
  }
}
