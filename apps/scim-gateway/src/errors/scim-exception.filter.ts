import { ArgumentsHost, Catch, ExceptionFilter, Inject, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { currentCorrelation } from '@app/observability';
import { isUnderBasePath, JSON_CONTENT_TYPE, SCIM_CONTENT_TYPE, SCIM_EDGE_OPTIONS, type ScimEdgeOptions } from '../edge/scim-edge.options';
import { toErrorReply } from './error-response';

/**
 * The one place errors become HTTP answers (registered globally by ScimEdgeModule): ScimError,
 * GatewayError, Nest's HttpExceptions (unknown route 404, 405, validation 400, Fastify's 413 and
 * 415) and anything unexpected, as RFC 7644 §3.12 error bodies. Unexpected failures are logged
 * with their stack and answered with a plain 500 that names the correlation id and nothing else.
 * Under the SCIM base path the type is application/scim+json; elsewhere (admin API) the same
 * body is sent as application/json.
 */
@Catch()
export class ScimExceptionFilter implements ExceptionFilter {
  private readonly log = new Logger('ScimExceptionFilter');

  constructor(@Inject(SCIM_EDGE_OPTIONS) private readonly options: Pick<ScimEdgeOptions, 'basePath' | 'bodyLimitBytes'>) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const correlationId = currentCorrelation()?.correlationId;
    const answer = toErrorReply(exception, { bodyLimitBytes: this.options.bodyLimitBytes, correlationId });
    if (answer.unexpected) {
      const error = exception instanceof Error ? exception : new Error(String(exception));
      this.log.error(`${request.method} ${request.url} failed: ${error.message}`, error.stack);
    }
    if (reply.sent) return; // a handler that wrote its own reply and then threw: nothing left to say
    void reply
      .status(answer.status)
      .headers({ ...answer.headers, 'content-type': isUnderBasePath(request.url, this.options.basePath) ? SCIM_CONTENT_TYPE : JSON_CONTENT_TYPE })
      .send(answer.body);
  }
}
