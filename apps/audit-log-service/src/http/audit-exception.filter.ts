import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AuditError, AuditErrorCode } from '../domain/audit-error';

/**
 * The one place where a domain error becomes an HTTP answer: `{statusCode, error, message}`
 * with `error` the code. A 401 carries the bearer challenge (RFC 6750 §3).
 */
@Catch(AuditError)
export class AuditExceptionFilter implements ExceptionFilter<AuditError> {
  catch(error: AuditError, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (error.code === AuditErrorCode.Unauthenticated) {
      void reply.header('www-authenticate', `Bearer realm="audit"${error.credentialSent ? ', error="invalid_token"' : ''}`);
    }
    if (error.code === AuditErrorCode.Unavailable) void reply.header('retry-after', '5');
    void reply.status(error.status).header('content-type', 'application/json; charset=utf-8').send({ statusCode: error.status, error: error.code, message: error.message });
  }
}
