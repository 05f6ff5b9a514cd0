import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { bearerCredentialOf } from '../auth/bearer-token';
import { GatewayError } from '../errors/gateway-error';
import { secretsEqual } from '../tenants/token-secret';
import { ADMIN_OPTIONS, ADMIN_REALM, type AdminOptions } from './admin.options';

/**
 * The admin API's own credential: `Authorization: Bearer <ADMIN_TOKEN>`, compared in constant
 * time. Tenant tokens never open it, and the admin token never opens SCIM routes.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  constructor(@Inject(ADMIN_OPTIONS) private readonly options: AdminOptions) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const credential = bearerCredentialOf(request.headers.authorization);
    if (credential.kind === 'none') throw GatewayError.missingCredentials(ADMIN_REALM);
    const expected = this.options.adminToken;
    if (!expected || credential.kind !== 'bearer' || !secretsEqual(credential.token, expected)) {
      throw GatewayError.invalidCredentials(ADMIN_REALM);
    }
    return true;
  }
}
