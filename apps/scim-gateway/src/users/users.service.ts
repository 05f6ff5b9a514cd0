import { Inject, Injectable, Optional } from '@nestjs/common';
import { CommandReply, ResourceJson, StoredResource, Topics, UserCommandType } from '@app/contracts';
import { ComponentLogger, JsonLogger, noteIgnoredAttributes } from '@app/observability';
import { LOGGER } from '@app/runtime';
import {
  buildListResponse,
  JsonObject,
  ListQuery,
  ListResponse,
  parseListQuery,
  parsePatchRequest,
  projectResource,
  QueryParams,
  ScimError,
  validateResource,
} from '@app/scim';
import { CommandBus, DecisionTimeoutError } from '../commands/command-bus';
import { GatewayError } from '../errors/gateway-error';
import { firstParam, type ScimAnswer } from '../http/scim-answer';
import type { AuthenticatedTenant } from '../tenants/authenticated-tenant';
import { USER_GROUPS, UserGroups } from '../groups/user-groups';
import { UserQueryClient } from './user-query.client';
import { UserSchemaContexts } from './user-schema-contexts';
import { SCIM_USERS_OPTIONS, ScimUsersOptions } from './users.options';


/**
 * The gateway's side of Users: validate and normalise what Entra sends against the tenant's
 * schemas, turn writes into commands decided by the user-service, read from its query API, and
 * shape the SCIM answer (meta.location, projection, list responses). No user data is kept here.
 */
@Injectable()
export class UsersService {
  private readonly log: ComponentLogger;

  constructor(
    private readonly bus: CommandBus,
    private readonly queries: UserQueryClient,
    private readonly contexts: UserSchemaContexts,
    @Inject(SCIM_USERS_OPTIONS) private readonly options: ScimUsersOptions,
    @Inject(LOGGER) logger: JsonLogger,
    @Optional() @Inject(USER_GROUPS) private readonly userGroups?: UserGroups | null,
  ) {
    this.log = logger.child('users');
  }

  async create(tenant: AuthenticatedTenant, body: unknown, baseUrl: string): Promise<ScimAnswer> {
    const { resource, unknownAttributes } = validateResource(body, this.contexts.of(tenant.schemaProfile), { mode: 'create' });
    this.handleUnknown(tenant, unknownAttributes);
    return this.decide(tenant, 'user.create', { profile: tenant.schemaProfile, resource }, baseUrl);
  }

  async replace(tenant: AuthenticatedTenant, id: string, body: unknown, ifMatch: string | undefined, baseUrl: string): Promise<ScimAnswer> {
    const { resource, unknownAttributes } = validateResource(body, this.contexts.of(tenant.schemaProfile), { mode: 'replace' });
    this.handleUnknown(tenant, unknownAttributes);
    return this.decide(tenant, 'user.replace', { profile: tenant.schemaProfile, id, resource, ...(ifMatch ? { ifMatch } : {}) }, baseUrl);
  }

  async patch(tenant: AuthenticatedTenant, id: string, body: unknown, ifMatch: string | undefined, baseUrl: string): Promise<ScimAnswer> {
    const operations = parsePatchRequest(body); // syntax and Entra's op spelling; paths are resolved by the owner
    return this.decide(tenant, 'user.patch', { profile: tenant.schemaProfile, id, operations, ...(ifMatch ? { ifMatch } : {}) }, baseUrl);
  }

  async delete(tenant: AuthenticatedTenant, id: string, ifMatch: string | undefined): Promise<ScimAnswer> {
    return this.decide(tenant, 'user.delete', { id, ...(ifMatch ? { ifMatch } : {}) }, '');
  }

  async get(tenant: AuthenticatedTenant, id: string, params: QueryParams, baseUrl: string): Promise<ScimAnswer> {
    const context = this.contexts.of(tenant.schemaProfile);
    const query = parseListQuery(params, context, this.pageOptions()); // attributes / excludedAttributes
    const stored = await this.queries.byId(tenant.id, id);
    if (!stored) throw new ScimError(404, undefined, `User ${id} not found`);
    const [located] = await this.withGroups(tenant, [this.located(stored, baseUrl)], query, baseUrl);
    return { status: 200, body: projectResource(located, context, query), etag: stored.version };
  }

  /** GET /Users and POST /Users/.search (RFC 7644 §3.4.2, §3.4.3). */
  async list(tenant: AuthenticatedTenant, params: QueryParams, baseUrl: string): Promise<ListResponse<JsonObject>> {
    const context = this.contexts.of(tenant.schemaProfile);
    const query = parseListQuery(params, context, this.pageOptions()); // 400 invalidFilter before anything is sent
    const filter = firstParam(params, 'filter');
    const sortBy = firstParam(params, 'sortBy');
    const sortOrder = firstParam(params, 'sortOrder')?.toLowerCase();
    const page = await this.queries.query(tenant.id, {
      profile: tenant.schemaProfile,
      ...(filter !== undefined ? { filter } : {}),
      startIndex: query.startIndex,
      count: query.count,
      ...(sortBy !== undefined ? { sortBy } : {}),
      ...(sortOrder === 'descending' || sortOrder === 'ascending' ? { sortOrder } : {}),
    });
    const located = await this.withGroups(tenant, page.resources.map((r) => this.located(r, baseUrl)), query, baseUrl);
    const resources = located.map((r) => projectResource(r, context, query));
    return buildListResponse(resources, { totalResults: page.totalResults, startIndex: query.startIndex });
  }

  /** User.groups (read-only, RFC 7643 §4.1.2) from the group-membership-service, when it is wired. */
  private withGroups(tenant: AuthenticatedTenant, users: JsonObject[], query: ListQuery, baseUrl: string): Promise<JsonObject[]> {
    return this.userGroups ? this.userGroups.fill(tenant, users, query, baseUrl) : Promise.resolve(users);
  }

  private async decide(tenant: AuthenticatedTenant, type: UserCommandType, payload: Record<string, unknown>, baseUrl: string): Promise<ScimAnswer> {
    let reply: CommandReply;
    try {
      reply = await this.bus.dispatch(Topics.userCommands, { type, tenantId: tenant.id, payload }, this.options.decisionTimeoutMs);
    } catch (err) {
      if (err instanceof DecisionTimeoutError) throw GatewayError.decisionPending(err.message, this.options.retryAfterSeconds);
      throw err;
    }
    if (reply.ignoredAttributes) noteIgnoredAttributes(reply.ignoredAttributes);
    if (reply.status >= 400) {
      const body = reply.body ?? {};
      throw new ScimError(reply.status, body.scimType as ScimError['scimType'], String(body.detail ?? 'request refused'));
    }
    if (!reply.body) return { status: reply.status };
    return { status: reply.status, body: this.located({ resource: reply.body, version: reply.version ?? '' }, baseUrl), etag: reply.version };
  }

  /** Adds meta.location (RFC 7643 §3.1): the owner stores resources without it, the gateway knows its URL. */
  private located(stored: StoredResource, baseUrl: string): JsonObject {
    const resource = stored.resource as ResourceJson & { id: string; meta?: Record<string, unknown> };
    return { ...resource, meta: { ...(resource.meta ?? {}), location: `${baseUrl}/Users/${resource.id}` } } as JsonObject;
  }

  private handleUnknown(tenant: AuthenticatedTenant, unknownAttributes: string[]): void {
    if (unknownAttributes.length === 0) return;
    if (tenant.schemaProfile.unknownAttributes === 'strict') {
      throw new ScimError(400, 'invalidSyntax', `Unknown attribute(s) for this tenant's User schemas: ${unknownAttributes.join(', ')}`);
    }
    // Microsoft's reference tests send misspelled attributes and expect success: ignored, but never silently.
    this.log.warn('unknown attributes ignored', { tenantId: tenant.id, attributes: unknownAttributes });
    noteIgnoredAttributes(unknownAttributes);
  }

  private pageOptions() {
    return { defaultCount: this.options.defaultPageSize, maxCount: this.options.maxPageSize };
  }
}
