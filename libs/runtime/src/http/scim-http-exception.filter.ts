import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Inject } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { ComponentLogger, JsonLogger } from '@app/observability';
import { LOGGER } from '../tokens';
import { sqlStateOf } from '@app/persistence';
import { SCIM_ERROR_SCHEMA, ScimError } from '@app/scim';

/** Postgres: the statement ran past DATABASE_STATEMENT_TIMEOUT_MS (or was cancelled). */
const QUERY_CANCELED = '57014';

/**
 * Every error of the internal query API as a SCIM error body (RFC 7644 §3.12), which the
 * gateway passes on as it is. A statement cut off by the statement timeout answers 503 (the
 * gateway's 503 + Retry-After); unexpected errors are logged and answered 500 without details.
 */
@Catch()
export class ScimHttpExceptionFilter implements ExceptionFilter {
  private readonly log: ComponentLogger;

  constructor(@Inject(LOGGER) logger: JsonLogger) {
    this.log = logger.child('internal-api');
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    let status: number;
    let body: object;
    if (exception instanceof ScimError) {
      status = exception.status;
      body = exception.toResponse();
    } else if (exception instanceof HttpException) {
      // Nest's own refusals: unparsable JSON, unknown route.
      status = exception.getStatus();
      body = { schemas: [SCIM_ERROR_SCHEMA], status: String(status), detail: exception.message };
    } else if (sqlStateOf(exception) === QUERY_CANCELED) {
      // Bounded by the statement timeout: the pool's connection is free again, the caller may retry.
      status = 503;
      body = { schemas: [SCIM_ERROR_SCHEMA], status: '503', detail: 'The query ran longer than the statement timeout allows' };
      this.log.warn('query cancelled by the statement timeout', { error: exception as Error });
    } else {
      status = 500;
      body = { schemas: [SCIM_ERROR_SCHEMA], status: '500', detail: 'Internal error' };
      this.log.error('query failed', { error: exception as Error });
    }
    void reply.status(status).header('content-type', 'application/scim+json; charset=utf-8').send(body);
  }
}
