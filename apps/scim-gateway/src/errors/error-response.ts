/**
 * Turns anything thrown while handling a request into the SCIM error response of RFC 7644 §3.12:
 * `{ schemas: [Error URN], status: "<code as string>", scimType?, detail }`, plus the headers
 * the failure needs (WWW-Authenticate, Retry-After, Allow). Pure, so every mapping is tested
 * without a server; ScimExceptionFilter only writes the result.
 */
import { HttpException } from '@nestjs/common';
import { ScimError, ScimErrorType, SCIM_ERROR_SCHEMA, type ScimErrorResponse } from '@app/scim';
import { GatewayError, GatewayErrorCode } from './gateway-error';

export interface ErrorReply {
  status: number;
  body: ScimErrorResponse;
  headers: Record<string, string>;
  /** True for failures nobody anticipated: the filter logs them with their stack. */
  unexpected: boolean;
}

export interface ErrorReplyContext {
  /** Shown in the 413 detail so the client knows how far to cut. */
  bodyLimitBytes?: number;
  /** Shown in the 500 detail so an operator can find the log line. */
  correlationId?: string;
}

/** Retry-After of a 503 that carries no better estimate (RFC 9110 §10.2.3). */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

const GATEWAY_STATUS: Record<GatewayErrorCode, { status: number; scimType?: ScimErrorType }> = {
  [GatewayErrorCode.tenantNotFound]: { status: 404 },
  [GatewayErrorCode.tenantNameTaken]: { status: 409, scimType: ScimErrorType.uniqueness },
  [GatewayErrorCode.invalidInput]: { status: 400, scimType: ScimErrorType.invalidValue },
  [GatewayErrorCode.tokenNotFound]: { status: 404 },
  [GatewayErrorCode.oauthClientNotFound]: { status: 404 },
  [GatewayErrorCode.missingCredentials]: { status: 401 },
  [GatewayErrorCode.invalidCredentials]: { status: 401 },
  [GatewayErrorCode.rateLimited]: { status: 429 },
  [GatewayErrorCode.tooManyWritesInFlight]: { status: 429 },
  [GatewayErrorCode.atCapacity]: { status: 429 },
  [GatewayErrorCode.decisionPending]: { status: 503 },
  [GatewayErrorCode.methodNotAllowed]: { status: 405 },
  [GatewayErrorCode.temporarilyUnavailable]: { status: 503 },
};

export function toErrorReply(exception: unknown, context: ErrorReplyContext = {}): ErrorReply {
  if (exception instanceof ScimError) {
    // A 503 (an owning service's store is away) always says when to come back, like every other 503 here.
    const headers: Record<string, string> = exception.status === 503 ? { 'retry-after': String(UNAVAILABLE_RETRY_AFTER_SECONDS) } : {};
    return { status: exception.status, body: exception.toResponse(), headers, unexpected: exception.status >= 500 && exception.status !== 503 };
  }
  if (exception instanceof GatewayError) return fromGatewayError(exception);
  if (exception instanceof HttpException) return fromHttpException(exception, context);
  const detail = context.correlationId ? `Internal server error (correlation id ${context.correlationId})` : 'Internal server error';
  return { status: 500, body: scimBody(500, undefined, detail), headers: {}, unexpected: true };
}

function fromGatewayError(error: GatewayError): ErrorReply {
  const { status, scimType } = GATEWAY_STATUS[error.code];
  const headers: Record<string, string> = {};
  if (error.code === GatewayErrorCode.missingCredentials) {
    // RFC 6750 §3.1: a request without credentials gets the challenge but no error code.
    headers['www-authenticate'] = `Bearer realm="${error.realm ?? 'scim'}"`;
  } else if (error.code === GatewayErrorCode.invalidCredentials) {
    headers['www-authenticate'] = `Bearer realm="${error.realm ?? 'scim'}", error="invalid_token", error_description="The access token is malformed, unknown or revoked"`;
  }
  if (error.retryAfterSeconds !== undefined) headers['retry-after'] = String(Math.max(1, Math.ceil(error.retryAfterSeconds)));
  if (error.allow !== undefined) headers['allow'] = error.allow.join(', ');
  return { status, body: scimBody(status, scimType, error.detail), headers, unexpected: false };
}

function fromHttpException(exception: HttpException, context: ErrorReplyContext): ErrorReply {
  const status = exception.getStatus();
  const response = exception.getResponse();
  const messages = typeof response === 'string' ? [response] : messagesOf(response);
  // Nest's ValidationPipe answers 400 with one message per failed constraint: bad values.
  const scimType = status === 400 && messages.length > 0 && typeof response === 'object' ? ScimErrorType.invalidValue : undefined;
  let detail = messages.length > 0 ? messages.join('; ') : exception.message;
  if (status === 413) {
    detail = context.bodyLimitBytes ? `Request body is larger than the limit of ${context.bodyLimitBytes} bytes` : 'Request body is too large';
  } else if (status === 415) {
    detail = `${detail}; send application/scim+json or application/json (RFC 7644 §3.1)`;
  } else if (status === 500) {
    // An InternalServerErrorException's text may come from a library: do not echo it.
    detail = context.correlationId ? `Internal server error (correlation id ${context.correlationId})` : 'Internal server error';
  }
  return { status, body: scimBody(status, scimType, detail), headers: {}, unexpected: status === 500 };
}

function messagesOf(response: object): string[] {
  const message = (response as { message?: unknown }).message;
  if (typeof message === 'string') return [message];
  if (Array.isArray(message)) return message.filter((m): m is string => typeof m === 'string');
  return [];
}

export function scimBody(status: number, scimType: ScimErrorType | undefined, detail: string): ScimErrorResponse {
  // scimType is left out when absent rather than null: RFC 7644 §3.12 makes it OPTIONAL.
  return scimType === undefined ? { schemas: [SCIM_ERROR_SCHEMA], status: String(status), detail } : { schemas: [SCIM_ERROR_SCHEMA], status: String(status), scimType, detail };
}
