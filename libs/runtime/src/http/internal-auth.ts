import { createHash, timingSafeEqual } from 'node:crypto';
import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ScimError } from '@app/scim';
import { SERVICE_CONFIG } from '../tokens';

/**
 * The service credential of the platform's inside (docs/security.md): the internal query APIs
 * and /metrics answer only a request carrying `Authorization: Bearer <INTERNAL_API_TOKEN>`.
 * One shared secret, set by `npm run up`, the test harness or the deployment's secret store.
 */
export interface InternalApiConfig {
  INTERNAL_API_TOKEN?: string;
}

/** The header a caller of an internal API sends. */
export function internalAuthHeaders(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/** Whether an Authorization header carries the credential (compared in constant time; none configured: never). */
export function isInternalCredential(header: string | string[] | undefined, token: string | undefined): boolean {
  if (token === undefined || token === '' || typeof header !== 'string') return false;
  const given = /^Bearer\s+(\S+)$/i.exec(header.trim())?.[1];
  if (given === undefined) return false;
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(token));
}

/** Guards an internal API controller: 401 (SCIM error body) without the service credential. */
@Injectable()
export class InternalAuthGuard implements CanActivate {
  constructor(@Inject(SERVICE_CONFIG) private readonly config: InternalApiConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (!isInternalCredential(request.headers.authorization, this.config.INTERNAL_API_TOKEN)) {
      throw new ScimError(401, undefined, 'This internal API needs the service credential');
    }
    return true;
  }
}

/**
 * `GET /metrics` of a service with a service credential answers only that credential (401
 * otherwise): the gateway's port is public, and what a service counts is for operators.
 */
export function protectMetrics(fastify: FastifyInstance, config: InternalApiConfig): void {
  const token = config.INTERNAL_API_TOKEN;
  if (token === undefined) return;
  fastify.addHook('onRequest', async (request, reply) => {
    if ((request.url.split('?', 1)[0] ?? '') !== '/metrics') return;
    if (isInternalCredential(request.headers.authorization, token)) return;
    return reply
      .status(401)
      .header('www-authenticate', 'Bearer realm="internal"')
      .header('content-type', 'text/plain; charset=utf-8')
      .send('metrics need the service credential\n');
  });
}
