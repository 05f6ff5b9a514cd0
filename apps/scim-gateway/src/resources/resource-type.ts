import type { CommandOf, CommandTopic, PatchOperationJson, ResourceJson, ResourcePage, StoredResource } from '@app/contracts';

export type { CommandOf, CommandTopic };
import type { JsonObject, ListQuery, SchemaContext, ValidatedResource } from '@app/scim';
import type { AuthenticatedTenant } from '../tenants/authenticated-tenant';

/** What the pipeline knows of the tenant a request is for. */
export type ResourceTenant = Pick<AuthenticatedTenant, 'id' | 'profile' | 'schemaProfile'>;

/** The page a list or .search asks the owning service for (RFC 7644 §3.4.2), filter still as text. */
export interface PageRequest {
  filter?: string;
  /** 1-based. */
  startIndex: number;
  count: number;
  sortBy?: string;
  sortOrder?: 'ascending' | 'descending';
}

/** Reads of a resource type from its owning service's internal query API. */
export interface ResourceReader {
  /** The resource, or null when the tenant has none with that id (or may not see it). */
  byId(tenant: ResourceTenant, id: string, query: ListQuery): Promise<StoredResource | null>;
  page(tenant: ResourceTenant, request: PageRequest, query: ListQuery): Promise<ResourcePage>;
}

/**
 * What makes Users differ from Groups at the gateway; everything else (parsing, deciding through
 * the command bus, reading, meta.location, projection, list responses, answers) is one
 * ResourcePipeline. A behaviour added there is there for every resource type; what is here is
 * resource-specific by name.
 */
export interface ScimResourceType<T extends CommandTopic> {
  /** The SCIM resource type (RFC 7643 §6), used in errors. */
  readonly name: string;
  /** The endpoint under the base path (RFC 7644 §3.2), e.g. "Users"; also in meta.location. */
  readonly endpoint: string;
  /** Where its commands go; the owning service consumes them. */
  readonly topic: T;
  /** The schemas the tenant's resources of this type are validated and projected with. */
  schemaContext(tenant: ResourceTenant): SchemaContext;
  /** A create or replace body checked against those schemas (and any resource-specific rule). */
  validate(tenant: ResourceTenant, body: unknown, mode: 'create' | 'replace'): ValidatedResource;
  /** Whether attributes outside the schemas are refused (400) or ignored and noted. */
  unknownAttributes(tenant: ResourceTenant): 'ignore' | 'strict';
  /** The command of each write; may refuse a write the tenant's profile does not allow. */
  readonly commands: {
    create(tenant: ResourceTenant, resource: ResourceJson): CommandOf<T>;
    replace(tenant: ResourceTenant, id: string, resource: ResourceJson, ifMatch?: string): CommandOf<T>;
    patch(tenant: ResourceTenant, id: string, operations: PatchOperationJson[], ifMatch?: string): CommandOf<T>;
    delete(tenant: ResourceTenant, id: string, ifMatch?: string): CommandOf<T>;
  };
  readonly reader: ResourceReader;
  /** References inside the resource that only the gateway can make absolute (Group members' $ref). */
  withReferences?(resource: JsonObject, baseUrl: string): JsonObject;
  /**
   * What must also have happened before a DELETE's 204 is sent (a deleted User leaves its
   * groups); it throws like a decision (503 when late), the deletion itself stands.
   */
  afterDelete?(tenant: ResourceTenant, id: string): Promise<void>;
  /** Attributes another service owns, filled for a page of resources (User.groups). */
  withAttributesFromElsewhere?(tenant: ResourceTenant, resources: JsonObject[], query: ListQuery, baseUrl: string): Promise<JsonObject[]>;
}
