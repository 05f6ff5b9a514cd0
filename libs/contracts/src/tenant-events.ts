import type { FromSchema } from 'json-schema-to-ts';
import { CLOUDEVENT_JSON_SCHEMA } from './cloudevent';

/**
 * The gateway's tenant registry, as events: a tenant created or its profile changed. Published
 * through the gateway's outbox on `scim.tenant-events.v1` (compacted, keyed by tenant id: the
 * latest event of every tenant stays), so the audit log and ops tools show tenants by name.
 */
export type TenantEvent = FromSchema<typeof TENANT_EVENT_JSON_SCHEMA>;
export type TenantEventType = TenantEvent['type'];
export type TenantChange = TenantEvent['data'];

export const TENANT_EVENT_JSON_SCHEMA = {
  ...CLOUDEVENT_JSON_SCHEMA,
  $id: 'https://scim-platform.local/schemas/tenant-event.json',
  properties: {
    ...CLOUDEVENT_JSON_SCHEMA.properties,
    type: { enum: ['scim.tenant.created', 'scim.tenant.updated'] },
    data: {
      type: 'object',
      required: ['tenant'],
      properties: {
        tenant: {
          type: 'object',
          required: ['id', 'name', 'createdAt'],
          properties: {
            id: { type: 'string', minLength: 1, maxLength: 100 },
            name: { type: 'string', minLength: 1, maxLength: 200 },
            createdAt: { type: 'string', format: 'date-time' },
          },
        },
      },
    },
  },
} as const;
