/**
 * What can go wrong in the audit log's API, as codes: services and parsers throw `AuditError`,
 * and one filter at the edge (http/audit-exception.filter.ts) turns it into the HTTP answer.
 */
export enum AuditErrorCode {
  /** No credential, or one that is not valid: 401. */
  Unauthenticated = 'unauthenticated',
  /** A valid credential asking for what it may not see or do: 403. */
  Forbidden = 'forbidden',
  /** A query parameter or body field that is malformed or out of range: 400. */
  InvalidParameter = 'invalid_parameter',
  /** Nothing with this id (or nothing live): 404. */
  NotFound = 'not_found',
  /** The request conflicts with the current state (a replay of a message already replayed in this request): 409. */
  Conflict = 'conflict',
  /** A dependency (Kafka) is away; try again: 503. */
  Unavailable = 'unavailable',
}

export const AUDIT_ERROR_STATUS: Record<AuditErrorCode, number> = {
  [AuditErrorCode.Unauthenticated]: 401,
  [AuditErrorCode.Forbidden]: 403,
  [AuditErrorCode.InvalidParameter]: 400,
  [AuditErrorCode.NotFound]: 404,
  [AuditErrorCode.Conflict]: 409,
  [AuditErrorCode.Unavailable]: 503,
};

export class AuditError extends Error {
  constructor(
    readonly code: AuditErrorCode,
    message: string,
    /** For Unauthenticated: whether a credential was sent (it then was invalid). */
    readonly credentialSent = false,
  ) {
    super(message);
    this.name = 'AuditError';
  }

  get status(): number {
    return AUDIT_ERROR_STATUS[this.code];
  }
}

export const invalidParameter = (message: string) => new AuditError(AuditErrorCode.InvalidParameter, message);
export const forbidden = (message: string) => new AuditError(AuditErrorCode.Forbidden, message);
export const notFound = (message: string) => new AuditError(AuditErrorCode.NotFound, message);
