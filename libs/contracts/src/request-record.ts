/** The SCIM resource type a request addressed, when it addressed one. */
export type AuditedResourceType = 'User' | 'Group';

/**
 * What a request did, named the way Entra's provisioning logs name actions. `discovery` covers
 * /ServiceProviderConfig, /Schemas and /ResourceTypes; `other` is anything that matched no route.
 */
export type RequestOperation = 'create' | 'read' | 'list' | 'search' | 'replace' | 'patch' | 'delete' | 'discovery' | 'other';

/**
 * One SCIM request as the gateway saw and answered it, for the audit log. Never carries a secret:
 * no bearer token (only the token's id), and every `password` attribute in a body is replaced
 * by a placeholder before the record leaves the gateway. Bodies over the gateway's audit body
 * limit are cut to a preview ({ truncated: true, bytes, preview }).
 */
export interface RequestRecord {
  recordId: string;
  tenantId: string | null;
  tokenId: string | null;
  method: string;
  path: string;
  query: string;
  status: number;
  scimType: string | null;
  latencyMs: number;
  correlationId: string;
  clientRequestId: string | null;
  resourceIds: string[];
  receivedAt: string;
  /** Added in the first release of the audit log; optional so that older records still validate. */
  resourceType?: AuditedResourceType | null;
  operation?: RequestOperation;
  /** userName / externalId named by the body, the answer or an `eq` filter, to find a user's requests. */
  userName?: string | null;
  externalId?: string | null;
  requestBody?: unknown;
  responseBody?: unknown;
  /** Unknown attributes the request carried that the tenant's `ignore` profile dropped. */
  ignoredAttributes?: string[];
}

/** The form a body over the audit body limit takes in a record. */
export interface TruncatedBody {
  truncated: true;
  bytes: number;
  preview: string;
}

/** What replaces the value of every `password` attribute in an audited body. */
export const REDACTED = '[redacted]';

export const REQUEST_RECORD_JSON_SCHEMA = {
  $id: 'https://scim-platform.local/schemas/request-record.json',
  type: 'object',
  required: ['recordId', 'tenantId', 'method', 'path', 'status', 'latencyMs', 'correlationId', 'receivedAt'],
  properties: {
    recordId: { type: 'string', minLength: 1, maxLength: 200 },
    tenantId: { type: ['string', 'null'] },
    tokenId: { type: ['string', 'null'] },
    method: { type: 'string' },
    path: { type: 'string' },
    query: { type: 'string' },
    status: { type: 'integer' },
    scimType: { type: ['string', 'null'] },
    latencyMs: { type: 'number', minimum: 0 },
    correlationId: { type: 'string' },
    clientRequestId: { type: ['string', 'null'] },
    resourceIds: { type: 'array', items: { type: 'string' } },
    receivedAt: { type: 'string', format: 'date-time' },
    resourceType: { enum: ['User', 'Group', null] },
    operation: { enum: ['create', 'read', 'list', 'search', 'replace', 'patch', 'delete', 'discovery', 'other'] },
    userName: { type: ['string', 'null'] },
    externalId: { type: ['string', 'null'] },
    requestBody: {},
    responseBody: {},
    ignoredAttributes: { type: 'array', items: { type: 'string' } },
  },
} as const;
