import { CanActivate, ExecutionContext, ForbiddenException, Inject, Injectable, SetMetadata, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuditPrincipal } from '@app/contracts';
import { AuditCredentials } from './audit-credentials';

declare module 'fastify' {
  interface FastifyRequest {
    auditPrincipal?: AuditPrincipal;
  }
}

export const AUDIT_CREDENTIALS = Symbol('AUDIT_CREDENTIALS');
const OPS_ONLY = Symbol('opsOnly');
/** Routes only the ops credential may call (issuing and revoking tenant credentials). */
export const OpsOnly = () => SetMetadata(OPS_ONLY, true);

const BEARER = /^Bearer\s+([A-Za-z0-9\-._~+/]+=*)\s*$/i;

/** Every query API route needs a bearer credential: the ops token or a tenant credential. */
@Injectable()
export class AuditAuthGuard implements CanActivate {
  constructor(
    @Inject(AUDIT_CREDENTIALS) private readonly credentials: AuditCredentials,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? BEARER.exec(header) : null;
    const principal = match ? await this.credentials.authenticate(match[1]!) : undefined;
    if (!principal) {
      void http.getResponse<FastifyReply>().header('www-authenticate', `Bearer realm="audit"${header ? ', error="invalid_token"' : ''}`);
      throw new UnauthorizedException(header ? 'The credential is not valid' : 'A bearer credential is required');
    }
    const opsOnly = this.reflector.getAllAndOverride<boolean>(OPS_ONLY, [context.getHandler(), context.getClass()]);
    if (opsOnly && principal.kind !== 'ops') throw new ForbiddenException('Only the ops credential may do this');
    request.auditPrincipal = principal;
    return true;
  }
}

/** The tenants a principal may read: all (undefined) for ops, its own for a tenant; 403 when it asks for another. */
export function visibleTenants(principal: AuditPrincipal, requested: string | undefined): string[] | undefined {
  if (principal.kind === 'ops') return requested ? [requested] : undefined;
  if (requested && requested !== principal.tenantId) throw new ForbiddenException('A tenant credential reads only its own tenant');
  return [principal.tenantId!];
}
