import type { FromSchema } from 'json-schema-to-ts';
import type { NamedMembers } from './schema-type';

/**
 * One SCIM request as the gateway saw and answered it, for the audit log. Never carries a secret:
 * no bearer token (only the token's id), and every `password` attribute in a body is replaced
 * by a placeholder before the record leaves the gateway. Bodies over the gateway's audit body
 * limit are cut to a preview ({ truncated: true, bytes, preview }). The type follows from
 * REQUEST_RECORD_JSON_SCHEMA below (one source: what the schema allows is what the type says).
 */
export type RequestRecord = NamedMembers<FromSchema<typeof REQUEST_RECORD_JSON_SCHEMA>>;

/** The SCIM resource type a request addressed, when it addressed one. */
export type AuditedResourceType = NonNullable<RequestRecord['resourceType']>;

/**
 * What a request did, named the way Entra's provisioning logs name actions. `discovery` covers
 * /ServiceProviderConfig, /Schemas and /ResourceTypes; `other` is anything that matched no route.
 */
export type RequestOperation = NonNullable<RequestRecord['operation']>;

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
  title: 'scim.request-records.v1',
  type: 'object',
  required: ['recordId', 'tenantId', 'tokenId', 'method', 'path', 'query', 'status', 'scimType', 'latencyMs', 'correlationId', 'clientRequestId', 'resourceIds', 'receivedAt'],
  properties: {
    recordId: { type: 'string', minLength: 1, maxLength: 200 },
    tenantId: { type: ['string', 'null'] },
    tokenId: { type: ['string', 'null'], description: "The bearer token's id (never the token)." },
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
    // Added in the first release of the audit log; optional so that older records still validate.
    resourceType: { enum: ['User', 'Group', null] },
    operation: { enum: ['create', 'read', 'list', 'search', 'replace', 'patch', 'delete', 'discovery', 'other'] },
    userName: { type: ['string', 'null'], description: "userName named by the body, the answer or an `eq` filter, to find a user's requests." },
    externalId: { type: ['string', 'null'] },
    requestBody: {},
    responseBody: {},
    ignoredAttributes: { type: 'array', items: { type: 'string' }, description: "Unknown attributes the request carried that the tenant's `ignore` profile dropped." },
  },
} as const;
