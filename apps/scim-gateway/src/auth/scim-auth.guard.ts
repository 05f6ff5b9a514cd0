import { CanActivate, ExecutionContext, Inject, Injectable, Optional } from '@nestjs/common';
import { correlationOfRequest, type ComponentLogger, type JsonLogger } from '@app/observability';
import { LOGGER } from '@app/runtime';
import type { FastifyRequest } from 'fastify';
import { GatewayError } from '../errors/gateway-error';
import { isScimRoute, SCIM_EDGE_OPTIONS, type ScimEdgeOptions } from '../edge/scim-edge.options';
import { BearerAuthenticator } from './bearer-authenticator';
import { bearerCredentialOf } from './bearer-token';
import './scim-request';

/** Retry-After of a 503 when the tenant registry cannot be reached. */
const REGISTRY_RETRY_AFTER_SECONDS = 5;

/** Realm of the SCIM routes' WWW-Authenticate challenge (RFC 6750 §3). */
export const SCIM_REALM = 'scim';

/**
 * Every route under the SCIM base path needs a tenant's bearer token (RFC 7644 §2, RFC 6750);
 * a route cannot be forgotten, because the guard goes by the matched route's path, not by a
 * decorator. Registered globally by ScimEdgeModule, before the rate-limit guard (limits are per
 * tenant, so the tenant must be known first). Discovery is authenticated too: Entra's "Test
 * Connection" sends the token.
 */
@Injectable()
export class ScimAuthGuard implements CanActivate {
  private readonly log?: ComponentLogger;

  constructor(
    @Inject(SCIM_EDGE_OPTIONS) private readonly options: ScimEdgeOptions,
    private readonly credentials: BearerAuthenticator,
    @Optional() @Inject(LOGGER) logger?: JsonLogger,
  ) {
    this.log = logger?.child('scim-auth');
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    await this.authenticateRequest(context.switchToHttp().getRequest<FastifyRequest>());
    return true;
  }

  /**
   * Attaches the tenant to a request under the SCIM base path, or throws the 401/503. The SCIM
   * edge calls it from Fastify's onRequest hook, before a byte of the body is read; the guard
   * then finds the tenant attached (and still authenticates a request that skipped the hook).
   */
  async authenticateRequest(request: FastifyRequest): Promise<void> {
    if (request.scimTenant || !isScimRoute(request, this.options.basePath)) return;
    // Node keeps the first of several Authorization headers: count them in the raw headers.
    const authorizations = rawHeaderCount(request.raw.rawHeaders, 'authorization');
    const credential = authorizations > 1 ? ({ kind: 'malformed' } as const) : bearerCredentialOf(request.headers.authorization);
    if (credential.kind === 'none') throw GatewayError.missingCredentials(SCIM_REALM);
    const tenant = credential.kind === 'bearer' ? await this.authenticate(credential.token) : undefined;
    if (!tenant) throw GatewayError.invalidCredentials(SCIM_REALM);
    request.scimTenant = tenant;
    const correlation = correlationOfRequest(request);
    if (correlation) correlation.tenantId = tenant.id;
  }

  /** A token the registry cannot check now (its database away) is a 503 to retry, not a 500 nor a 401. */
  private async authenticate(token: string) {
    try {
      return await this.credentials.authenticate(token);
    } catch (err) {
      this.log?.warn('a bearer token could not be checked: the tenant registry is unreachable', { error: err as Error });
      throw GatewayError.temporarilyUnavailable('Credentials cannot be checked right now; retry later', REGISTRY_RETRY_AFTER_SECONDS);
    }
  }
}

function rawHeaderCount(rawHeaders: readonly string[], name: string): number {
  let count = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i].toLowerCase() === name) count++;
  return count;
}
