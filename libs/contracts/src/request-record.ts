/** One SCIM request as the gateway saw and answered it, for the audit log. Never carries a secret. */
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
}

export const REQUEST_RECORD_JSON_SCHEMA = {
  $id: 'https://scim-platform.local/schemas/request-record.json',
  type: 'object',
  required: ['recordId', 'tenantId', 'method', 'path', 'status', 'latencyMs', 'correlationId', 'receivedAt'],
  properties: {
    recordId: { type: 'string', minLength: 1 },
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
  },
} as const;
