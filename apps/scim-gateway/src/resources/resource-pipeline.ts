import { CommandReply, ResourceJson, StoredResource } from '@app/contracts';
import { ComponentLogger, noteIgnoredAttributes } from '@app/observability';
import { buildListResponse, JsonObject, ListQuery, ListResponse, parseAttributeList, parseListQuery, parsePatchRequest, projectResource, QueryParams, ScimError } from '@app/scim';
import { CommandBus, CommandLogUnavailableError, DecisionTimeoutError } from '@app/commands';
import { GatewayError } from '../errors/gateway-error';
import type { CommandOf, CommandTopic, PageRequest, ResourceTenant, ScimResourceType } from './resource-type';
import { firstParam, type ScimAnswer } from './scim-answer';

/** The part of the command bus the pipeline uses. */
export type CommandDispatcher = Pick<CommandBus, 'dispatch'>;

/** What every resource endpoint shares: how long a write waits, and page sizes. */
export interface ResourcePipelineOptions {
  /** How long a write waits for the owning service's decision before answering 503. */
  decisionTimeoutMs: number;
  /** Seconds a client is told to wait after a 503 on a write whose decision is late. */
  retryAfterSeconds: number;
  /** Page size when the client sends no `count`, and the most a page may hold (advertised as filter.maxResults). */
  defaultPageSize: number;
  maxPageSize: number;
}

/**
 * The gateway's side of one SCIM resource type (RFC 7644 §3.3–§3.6): validate what the client
 * sends against the tenant's schemas, turn writes into commands that the owning service decides,
 * read from its query API, and shape the answer (meta.location, projection, list responses,
 * ETag). The resource type supplies only what is its own; no resource data is kept here.
 */
export class ResourcePipeline<T extends CommandTopic> {
  constructor(
    readonly type: ScimResourceType<T>,
    private readonly bus: CommandDispatcher,
    private readonly options: ResourcePipelineOptions,
    private readonly log: ComponentLogger,
  ) {}

  async create(tenant: ResourceTenant, body: unknown, baseUrl: string, params: QueryParams = {}): Promise<ScimAnswer> {
    const projection = writeProjection(params);
    const resource = this.validated(tenant, body, 'create');
    return this.projected(tenant, await this.decide(tenant, this.type.commands.create(tenant, resource), baseUrl), projection);
  }

  /** A create whose command is not the resource type's own (the admin API's application-owned groups). */
  async createAs(tenant: ResourceTenant, body: unknown, baseUrl: string, command: (resource: ResourceJson) => CommandOf<T>): Promise<ScimAnswer> {
    return this.decide(tenant, command(this.validated(tenant, body, 'create')), baseUrl);
  }

  async replace(tenant: ResourceTenant, id: string, body: unknown, ifMatch: string | undefined, baseUrl: string, params: QueryParams = {}): Promise<ScimAnswer> {
    const projection = writeProjection(params);
    const resource = this.validated(tenant, body, 'replace');
    return this.projected(tenant, await this.decide(tenant, this.type.commands.replace(tenant, id, resource, ifMatch), baseUrl), projection);
  }

  async patch(tenant: ResourceTenant, id: string, body: unknown, ifMatch: string | undefined, baseUrl: string, params: QueryParams = {}): Promise<ScimAnswer> {
    const projection = writeProjection(params);
    const operations = parsePatchRequest(body); // syntax and Entra's op spelling; paths are resolved by the owner
    return this.projected(tenant, await this.decide(tenant, this.type.commands.patch(tenant, id, operations, ifMatch), baseUrl), projection);
  }

  async delete(tenant: ResourceTenant, id: string, ifMatch: string | undefined): Promise<ScimAnswer> {
    const answer = await this.decide(tenant, this.type.commands.delete(tenant, id, ifMatch), '');
    if (answer.status === 204 && this.type.afterDelete) await this.type.afterDelete(tenant, id);
    return answer;
  }

  async get(tenant: ResourceTenant, id: string, params: QueryParams, baseUrl: string): Promise<ScimAnswer> {
    const context = this.type.schemaContext(tenant);
    const query = parseListQuery(params, context, this.pageOptions()); // attributes / excludedAttributes
    const stored = await this.type.reader.byId(tenant, id, query);
    if (!stored) throw new ScimError(404, undefined, `${this.type.name} ${id} not found`);
    const [shown] = await this.shown(tenant, [stored], query, baseUrl);
    return { status: 200, body: projectResource(shown, context, query), etag: stored.version };
  }

  /** GET /<endpoint> and POST /<endpoint>/.search (RFC 7644 §3.4.2, §3.4.3). */
  async list(tenant: ResourceTenant, params: QueryParams, baseUrl: string): Promise<ListResponse<JsonObject>> {
    const context = this.type.schemaContext(tenant);
    const query = parseListQuery(params, context, this.pageOptions()); // 400 invalidFilter before anything is sent
    const page = await this.type.reader.page(tenant, pageRequest(params, query), query);
    const shown = await this.shown(tenant, page.resources, query, baseUrl);
    const resources = shown.map((r) => projectResource(r, context, query));
    return buildListResponse(resources, { totalResults: page.totalResults, startIndex: query.startIndex });
  }

  /**
   * Sends the command and answers from the owner's decision: an error reply becomes a SCIM error,
   * a late decision 503 + Retry-After, a success its status with the resource (when the reply
   * carries one and the status is not 204) and its version as the ETag.
   */
  async decide(tenant: Pick<ResourceTenant, 'id'>, command: CommandOf<T>, baseUrl: string): Promise<ScimAnswer> {
    let reply: CommandReply;
    try {
      reply = await this.bus.dispatch(this.type.topic, tenant.id, command, this.options.decisionTimeoutMs);
    } catch (err) {
      if (err instanceof DecisionTimeoutError) throw GatewayError.decisionPending(err.message, this.options.retryAfterSeconds);
      if (err instanceof CommandLogUnavailableError) throw GatewayError.temporarilyUnavailable(err.message, err.retryAfterSeconds);
      throw err;
    }
    if (reply.ignoredAttributes) noteIgnoredAttributes(reply.ignoredAttributes);
    if (reply.status >= 400) {
      const body = reply.body ?? {};
      throw new ScimError(reply.status, body.scimType as ScimError['scimType'], String(body.detail ?? 'request refused'));
    }
    const etag = reply.version;
    if (!reply.body || reply.status === 204) return { status: reply.status, ...(etag ? { etag } : {}) };
    const body = this.located({ resource: reply.body, version: etag ?? '' }, baseUrl);
    const location = (body.meta as JsonObject | undefined)?.location;
    return { status: reply.status, body, ...(etag ? { etag } : {}), ...(reply.status === 201 && typeof location === 'string' ? { location } : {}) };
  }

  /** RFC 7644 §3.9: attributes / excludedAttributes shape the resource a POST, PUT or PATCH returns too. */
  private projected(tenant: ResourceTenant, answer: ScimAnswer, projection: Pick<ListQuery, 'attributes' | 'excludedAttributes'>): ScimAnswer {
    if (!answer.body || (projection.attributes.length === 0 && projection.excludedAttributes.length === 0)) return answer;
    return { ...answer, body: projectResource(answer.body, this.type.schemaContext(tenant), projection) };
  }

  private validated(tenant: ResourceTenant, body: unknown, mode: 'create' | 'replace'): ResourceJson {
    const { resource, unknownAttributes } = this.type.validate(tenant, body, mode);
    if (unknownAttributes.length === 0) return resource;
    if (this.type.unknownAttributes(tenant) === 'strict') {
      throw new ScimError(400, 'invalidSyntax', `Unknown attribute(s) for this tenant's ${this.type.name} schemas: ${unknownAttributes.join(', ')}`);
    }
    // Microsoft's reference tests send misspelled attributes and expect success: ignored, but never silently.
    this.log.warn('unknown attributes ignored', { tenantId: tenant.id, resourceType: this.type.name, attributes: unknownAttributes });
    noteIgnoredAttributes(unknownAttributes);
    return resource;
  }

  private async shown(tenant: ResourceTenant, stored: readonly StoredResource[], query: ListQuery, baseUrl: string): Promise<JsonObject[]> {
    const located = stored.map((s) => this.located(s, baseUrl));
    return this.type.withAttributesFromElsewhere ? this.type.withAttributesFromElsewhere(tenant, located, query, baseUrl) : located;
  }

  /** Adds meta.location (RFC 7643 §3.1) and absolute references: the owner stores neither, the gateway knows its URL. */
  private located(stored: StoredResource, baseUrl: string): JsonObject {
    const resource = stored.resource as JsonObject & { id: string; meta?: JsonObject };
    const located = { ...resource, meta: { ...(resource.meta ?? {}), location: `${baseUrl}/${this.type.endpoint}/${resource.id}` } } as JsonObject;
    return this.type.withReferences ? this.type.withReferences(located, baseUrl) : located;
  }

  private pageOptions() {
    return { defaultCount: this.options.defaultPageSize, maxCount: this.options.maxPageSize };
  }
}

/** The projection parameters of a write (its other query parameters mean nothing to it). */
function writeProjection(params: QueryParams): Pick<ListQuery, 'attributes' | 'excludedAttributes'> {
  return { attributes: parseAttributeList(firstParam(params, 'attributes')), excludedAttributes: parseAttributeList(firstParam(params, 'excludedAttributes')) };
}

/** The owner's page request: the filter and sort as the client wrote them (the owner parses them again), the page as parsed. */
function pageRequest(params: QueryParams, query: ListQuery): PageRequest {
  const filter = firstParam(params, 'filter');
  const sortBy = firstParam(params, 'sortBy');
  const sortOrder = firstParam(params, 'sortOrder')?.toLowerCase();
  return {
    ...(filter !== undefined ? { filter } : {}),
    startIndex: query.startIndex,
    count: query.count,
    ...(sortBy !== undefined ? { sortBy } : {}),
    ...(sortOrder === 'ascending' || sortOrder === 'descending' ? { sortOrder } : {}),
  };
}
