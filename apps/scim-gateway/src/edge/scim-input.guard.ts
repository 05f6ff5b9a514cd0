import { isUuid } from '@app/persistence';
import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { checkStorableText, countMemberValues, ScimError, SCIM_INPUT_LIMITS } from '@app/scim';
import { isScimRoute, SCIM_EDGE_OPTIONS, type ScimEdgeOptions } from './scim-edge.options';

/**
 * What the owning services must never meet (docs/security.md), refused at the edge after the
 * tenant is known and before anything is sent on: an id in `/Users/{id}` or `/Groups/{id}` that
 * is not a UUID names nothing (404, without a command); a path or query parameter holding
 * U+0000 or a lone surrogate is a 400; a Group write with more members than the limit is a 400.
 * Bodies are checked as they are parsed (scim-http.ts).
 */
@Injectable()
export class ScimInputGuard implements CanActivate {
  constructor(@Inject(SCIM_EDGE_OPTIONS) private readonly options: ScimEdgeOptions) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (!isScimRoute(request, this.options.basePath)) return true;
    const route = (request.routeOptions?.url ?? '').slice(this.options.basePath.length);
    const params = (request.params ?? {}) as Record<string, unknown>;
    const resource = /^\/(Users|Groups)(?:\/|$)/i.exec(route)?.[1];
    if (resource !== undefined && typeof params.id === 'string' && !isUuid(params.id)) {
      // Ids are UUIDs the owning service assigned: anything else names no resource.
      throw new ScimError(404, undefined, `${resource === 'Users' ? 'User' : 'Group'} not found`);
    }
    for (const [name, value] of Object.entries(params)) if (typeof value === 'string') checkStorableText(value, `Path segment '${name}'`);
    for (const [name, value] of Object.entries((request.query ?? {}) as Record<string, unknown>)) {
      for (const text of Array.isArray(value) ? value : [value]) {
        if (typeof text === 'string') checkStorableText(text, `Query parameter '${name}'`, name.toLowerCase() === 'filter' ? 'invalidFilter' : 'invalidValue');
      }
    }
    if (resource === 'Groups' && (request.method === 'POST' || request.method === 'PUT' || request.method === 'PATCH')) {
      const members = countMemberValues(request.body);
      if (members > SCIM_INPUT_LIMITS.membersPerRequest) {
        throw new ScimError(400, 'invalidValue', `A request may add, replace or remove at most ${SCIM_INPUT_LIMITS.membersPerRequest} members; this one names ${members}`);
      }
    }
    return true;
  }
}
