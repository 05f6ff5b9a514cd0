import { CanActivate, ExecutionContext, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type { AuditPrincipal } from '@app/contracts';
import type { AuditCredentialService } from './audit-credential.service';

declare module 'fastify' {
  interface FastifyRequest {
    auditPrincipal?: AuditPrincipal;
  }
}

export const AUDIT_CREDENTIALS = Symbol('AUDIT_CREDENTIALS');
const OPS_ONLY = Symbol('opsOnly');
/** Routes only the ops credential may call (credentials, dead-letter replays). */
export const OpsOnly = () => SetMetadata(OPS_ONLY, true);

const BEARER = /^Bearer\s+([A-Za-z0-9\-._~+/]+=*)\s*$/i;

/** Every query API route needs a bearer credential: the ops token or a tenant credential. */
@Injectable()
export class AuditAuthGuard implements CanActivate {
  constructor(
    @Inject(AUDIT_CREDENTIALS) private readonly credentials: AuditCredentialService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? BEARER.exec(header) : null;
    const principal = await this.credentials.authenticate(match?.[1], header !== undefined);
    if (this.reflector.getAllAndOverride<boolean>(OPS_ONLY, [context.getHandler(), context.getClass()])) this.credentials.requireOps(principal);
    request.auditPrincipal = principal;
    return true;
  }
}

export function principalOf(request: FastifyRequest): AuditPrincipal {
  return request.auditPrincipal!;
}
