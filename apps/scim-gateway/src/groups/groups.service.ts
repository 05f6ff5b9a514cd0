import { Inject, Injectable } from '@nestjs/common';
import { CommandReply, GroupCommandType, GroupScope, ResourceJson, StoredResource, Topics } from '@app/contracts';
import {
  buildListResponse,
  JsonObject,
  ListResponse,
  parseListQuery,
  parsePatchRequest,
  projectResource,
  QueryParams,
  SchemaContext,
  SchemaRegistry,
  ScimError,
  validateResource,
} from '@app/scim';
import { CommandBus, DecisionTimeoutError } from '../commands/command-bus';
import { GatewayError } from '../errors/gateway-error';
import { firstParam, type ScimAnswer } from '../http/scim-answer';
import type { AuthenticatedTenant } from '../tenants/authenticated-tenant';
import { GroupQueryClient } from './group-query.client';
import { SCIM_GROUPS_OPTIONS, ScimGroupsOptions } from './groups.options';

/** Entra sends this schema beside the core Group schema on create; it defines no attributes. */
export const ENTRA_GROUP_SCHEMA = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';

export const UPDATE_ONLY_DETAIL = 'groups are managed by the application; SCIM may only update them';


/**
 * The gateway's side of Groups: validate what Entra sends, apply the tenant's connector profile
 * (update-only groups, managed resources), turn writes into commands decided by the
 * group-membership-service, read from its query API, and shape the SCIM answer (meta.location,
 * members' $ref, projection, list responses).
 */
@Injectable()
export class GroupsService {
  private readonly context: SchemaContext = SchemaRegistry.createDefault().context('Group');

  constructor(
    private readonly bus: CommandBus,
    private readonly queries: GroupQueryClient,
    @Inject(SCIM_GROUPS_OPTIONS) private readonly options: ScimGroupsOptions,
  ) {}

  async create(tenant: AuthenticatedTenant, body: unknown, baseUrl: string): Promise<ScimAnswer> {
    refuseWhenUpdateOnly(tenant);
    const resource = this.validate(body, 'create');
    return this.decide(tenant, 'group.create', { scope: scopeOf(tenant), resource }, baseUrl);
  }

  /** Admin API: a group the application owns (Genesys groups, Fulcrum unmanaged groups). */
  async createAppOwned(tenant: Pick<AuthenticatedTenant, 'id' | 'profile'>, body: unknown, baseUrl: string): Promise<ScimAnswer> {
    const resource = this.validate(body, 'create');
    return this.decide(tenant, 'group.create', { scope: { managedOnly: false }, resource, managed: false }, baseUrl);
  }

  async replace(tenant: AuthenticatedTenant, id: string, body: unknown, ifMatch: string | undefined, baseUrl: string): Promise<ScimAnswer> {
    const resource = this.validate(body, 'replace');
    return this.decide(tenant, 'group.replace', { scope: scopeOf(tenant), id, resource, ...(ifMatch ? { ifMatch } : {}) }, baseUrl);
  }

  async patch(tenant: AuthenticatedTenant, id: string, body: unknown, ifMatch: string | undefined, baseUrl: string): Promise<ScimAnswer> {
    const operations = parsePatchRequest(body);
    return this.decide(tenant, 'group.patch', { scope: scopeOf(tenant), id, operations, ...(ifMatch ? { ifMatch } : {}) }, baseUrl);
  }

  async delete(tenant: AuthenticatedTenant, id: string, ifMatch: string | undefined): Promise<ScimAnswer> {
    refuseWhenUpdateOnly(tenant);
    return this.decide(tenant, 'group.delete', { scope: scopeOf(tenant), id, ...(ifMatch ? { ifMatch } : {}) }, '');
  }

  async get(tenant: AuthenticatedTenant, id: string, params: QueryParams, baseUrl: string): Promise<ScimAnswer> {
    const query = parseListQuery(params, this.context, this.pageOptions());
    const stored = await this.queries.byId(tenant.id, id, { excludeMembers: excludesMembers(query), scope: scopeOf(tenant) });
    if (!stored) throw new ScimError(404, undefined, `Group ${id} not found`);
    return { status: 200, body: projectResource(this.located(stored, baseUrl), this.context, query), etag: stored.version };
  }

  async list(tenant: AuthenticatedTenant, params: QueryParams, baseUrl: string): Promise<ListResponse<JsonObject>> {
    const query = parseListQuery(params, this.context, this.pageOptions());
    const filter = firstParam(params, 'filter');
    const sortBy = firstParam(params, 'sortBy');
    const sortOrder = firstParam(params, 'sortOrder')?.toLowerCase();
    const page = await this.queries.query(tenant.id, {
      scope: scopeOf(tenant),
      ...(filter !== undefined ? { filter } : {}),
      ...(sortBy !== undefined ? { sortBy } : {}),
      ...(sortOrder === 'ascending' || sortOrder === 'descending' ? { sortOrder } : {}),
      startIndex: query.startIndex,
      count: query.count,
      excludeMembers: excludesMembers(query),
    });
    const resources = page.resources.map((r) => projectResource(this.located(r, baseUrl), this.context, query));
    return buildListResponse(resources, { totalResults: page.totalResults, startIndex: query.startIndex });
  }

  /** Core Group schema validation; Entra's ADSCIM Group schema is accepted and dropped. */
  private validate(body: unknown, mode: 'create' | 'replace'): ResourceJson {
    let input = body;
    if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
      const record = body as Record<string, unknown>;
      const key = Object.keys(record).find((k) => k.toLowerCase() === 'schemas');
      const schemas = key === undefined ? undefined : record[key];
      if (key !== undefined && Array.isArray(schemas)) {
        input = { ...record, [key]: schemas.filter((s) => typeof s !== 'string' || s.toLowerCase() !== ENTRA_GROUP_SCHEMA.toLowerCase()) };
      }
    }
    const { resource, unknownAttributes } = validateResource(input, this.context, { mode });
    if (unknownAttributes.length > 0) throw new ScimError(400, 'invalidSyntax', `Unknown attribute(s) for Group: ${unknownAttributes.join(', ')}`);
    const members = resource.members;
    if (Array.isArray(members)) {
      for (const m of members) {
        const type = (m as Record<string, unknown>).type;
        if (typeof type === 'string' && type.toLowerCase() === 'group') {
          throw new ScimError(400, 'invalidValue', `Member '${String((m as Record<string, unknown>).value)}' is a group; nested groups are not supported`);
        }
      }
    }
    return resource;
  }

  private async decide(tenant: Pick<AuthenticatedTenant, 'id'>, type: GroupCommandType, payload: Record<string, unknown>, baseUrl: string): Promise<ScimAnswer> {
    let reply: CommandReply;
    try {
      reply = await this.bus.dispatch(Topics.groupCommands, { type, tenantId: tenant.id, payload }, this.options.decisionTimeoutMs);
    } catch (err) {
      if (err instanceof DecisionTimeoutError) throw GatewayError.decisionPending(err.message, this.options.retryAfterSeconds);
      throw err;
    }
    if (reply.status >= 400) {
      const body = reply.body ?? {};
      throw new ScimError(reply.status, body.scimType as ScimError['scimType'], String(body.detail ?? 'request refused'));
    }
    if (!reply.body || reply.status === 204) return { status: reply.status, etag: reply.version };
    return { status: reply.status, body: this.located({ resource: reply.body, version: reply.version ?? '' }, baseUrl), etag: reply.version };
  }

  /** meta.location and each member's $ref (RFC 7643 §4.2), which only the gateway can know. */
  private located(stored: StoredResource, baseUrl: string): JsonObject {
    const resource = stored.resource as ResourceJson & { id: string; meta?: Record<string, unknown>; members?: Array<Record<string, unknown>> };
    const members = Array.isArray(resource.members)
      ? { members: resource.members.map((m) => ({ value: m.value, $ref: `${baseUrl}/Users/${String(m.value)}`, ...(m.display !== undefined ? { display: m.display } : {}), type: m.type ?? 'User' })) }
      : {};
    return { ...resource, ...members, meta: { ...(resource.meta ?? {}), location: `${baseUrl}/Groups/${resource.id}` } } as JsonObject;
  }

  private pageOptions() {
    return { defaultCount: this.options.defaultPageSize, maxCount: this.options.maxPageSize };
  }
}

export function scopeOf(tenant: Pick<AuthenticatedTenant, 'profile'>): GroupScope {
  return { managedOnly: tenant.profile.managedResources === true };
}

/** Genesys: groups exist in the application and are matched by displayName, never created or deleted. */
function refuseWhenUpdateOnly(tenant: AuthenticatedTenant): void {
  if (tenant.profile.groups?.mode === 'update-only') throw new ScimError(403, undefined, UPDATE_ONLY_DETAIL);
}

function excludesMembers(query: { attributes: string[]; excludedAttributes: string[] }): boolean {
  if (query.excludedAttributes.some((a) => a.toLowerCase() === 'members' || a.toLowerCase().startsWith('members.'))) return true;
  // attributes=displayName asks only for that (plus id, schemas, meta): members are not needed either.
  return query.attributes.length > 0 && !query.attributes.some((a) => a.toLowerCase() === 'members' || a.toLowerCase().startsWith('members'));
}

