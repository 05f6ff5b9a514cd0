/**
 * What the gateway's Fastify instance needs before it serves SCIM:
 * - request bodies: only JSON media types are read (application/scim+json per RFC 7644 §3.1, and
 *   application/json, which Entra and most clients send); anything else is 415, malformed JSON
 *   is 400 invalidSyntax, a body over the limit is 413 — all as SCIM errors via the filter;
 * - every response under the SCIM base path carries `Content-Type: application/scim+json`;
 * - a GET whose If-None-Match names the answer's ETag gets 304 without a body (RFC 7644 §3.14);
 * - every request runs in its own correlation context (x-correlation-id in, and echoed out), so
 *   log lines and Kafka headers written while handling it carry its id and, once authenticated,
 *   its tenant.
 * ScimEdgeModule calls configureScimHttp at module init (before Fastify is ready), so wiring the
 * module is enough; the function is exported for an app built without the module.
 */
import type { INestApplication } from '@nestjs/common';
import type { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { UnsupportedMediaTypeException } from '@nestjs/common';
import { checkStorableJson, ScimError, ScimErrorType } from '@app/scim';
import { toErrorReply } from '../errors/error-response';
import { FORM_CONTENT_TYPE, parseFormBody } from '../oauth/token-request';
import { correlateHttpRequests, correlationOfRequest } from '@app/observability';
import { ifNoneMatchMatches } from './conditional-get';
import { isUnderBasePath, normaliseBasePath, SCIM_CONTENT_TYPE } from './scim-edge.options';

export interface ScimHttpOptions {
  basePath: string;
  bodyLimitBytes: number;
  /**
   * Authenticates a request under the base path (attaching its tenant) or throws the error to
   * answer; run in onRequest, so a body is never read for a client that is not a tenant.
   */
  authenticate?: (request: FastifyRequest) => Promise<void>;
  /** Routes that read form bodies (the OAuth token endpoint); see ScimEdgeOptions. */
  formBodyRoutes?: string[];
}

/** A token request is a few hundred bytes; nothing reads a larger form. */
const FORM_BODY_LIMIT_BYTES = 16 * 1024;

/** The media types whose bodies are read; a body of any other type is answered with 415. */
export const ACCEPTED_BODY_TYPES = ['application/scim+json', 'application/json'] as const;

const CONFIGURED = Symbol('scimHttpConfigured');
const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/** Configures body parsing, the SCIM content type and correlation on the app's Fastify instance. Idempotent. */
export function configureScimHttp(target: INestApplication | FastifyAdapter, options: ScimHttpOptions): void {
  const adapter = ('getHttpAdapter' in target ? target.getHttpAdapter() : target) as FastifyAdapter;
  const fastify = adapter.getInstance<FastifyInstance & { [CONFIGURED]?: boolean }>();
  if (fastify[CONFIGURED]) return;
  fastify[CONFIGURED] = true;
  const basePath = normaliseBasePath(options.basePath);

  // Fastify's defaults (and Nest's) also read text/plain and form bodies; SCIM takes JSON only.
  fastify.removeAllContentTypeParsers();
  const jsonParser = fastify.getDefaultJsonParser('error', 'error'); // refuses __proto__ / constructor poisoning
  adapter.useBodyParser([...ACCEPTED_BODY_TYPES], false, { bodyLimit: options.bodyLimitBytes }, (request, body, done) => {
    if (body.length === 0) {
      // DELETE may carry a JSON content type with no body; POST/PUT/PATCH need one.
      if (METHODS_WITH_BODY.has(request.method)) done(ScimError.badRequest(ScimErrorType.invalidSyntax, 'Request body is empty'), undefined);
      else done(null, undefined);
      return;
    }
    void jsonParser(request, body.toString('utf8'), (error, value) => {
      // V8's message quotes the text around the error, which may be a password: give the position only.
      if (error) {
        done(ScimError.badRequest(ScimErrorType.invalidSyntax, `Request body is not valid JSON${jsonErrorPosition(error.message)}`), undefined);
        return;
      }
      try {
        checkStorableJson(value); // no U+0000, no lone surrogate, bounded depth: what every store can hold
      } catch (refused) {
        done(refused as Error, undefined);
        return;
      }
      done(null, value);
    });
  });

  const formRoutes = new Set(options.formBodyRoutes ?? []);
  fastify.addContentTypeParser(FORM_CONTENT_TYPE, { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT_BYTES }, (request, body, done) => {
    if (!formRoutes.has(request.routeOptions?.url ?? '')) {
      done(new UnsupportedMediaTypeException(`Unsupported Media Type: ${FORM_CONTENT_TYPE}`), undefined);
      return;
    }
    done(null, parseFormBody(String(body)));
  });
  // First: the auth hook below and every later one answer inside the request's correlation context.
  correlateHttpRequests(fastify);
  const authenticate = options.authenticate;
  if (authenticate) {
    fastify.addHook('onRequest', async (request, reply) => {
      try {
        await authenticate(request);
      } catch (err) {
        const answer = toErrorReply(err, { correlationId: correlationOfRequest(request)?.correlationId });
        return reply.status(answer.status).headers(answer.headers).header('content-type', SCIM_CONTENT_TYPE).send(answer.body);
      }
    });
  }

  fastify.addHook('onSend', (request, reply, payload, done) => {
    const scim = isUnderBasePath(request.url, basePath);
    if (scim && request.method === 'GET' && reply.statusCode === 200) {
      const etag = reply.getHeader('etag');
      if (typeof etag === 'string' && ifNoneMatchMatches(request.headers['if-none-match'], etag)) {
        // RFC 9110 §15.4.5: 304 carries the ETag and no content.
        void reply.code(304);
        reply.removeHeader('content-type');
        reply.removeHeader('content-length');
        done(null, '');
        return;
      }
    }
    if (scim && reply.statusCode !== 204 && payload !== null && payload !== undefined && payload !== '') {
      void reply.header('content-type', SCIM_CONTENT_TYPE);
    }
    done(null, payload);
  });
}

/** " (at position N)" from a JSON.parse message, or "" when it names none. */
function jsonErrorPosition(message: string): string {
  const position = /position (\d+)/.exec(message);
  return position ? ` (at position ${position[1]})` : '';
}
