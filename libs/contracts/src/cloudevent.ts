/**
 * CloudEvents 1.0 envelope in structured content mode (Kafka protocol binding §3.2): the whole
 * event is the record value, `content-type: application/cloudevents+json`. `tenantid` is an
 * extension attribute (lower-case alphanumerics, as the spec requires of attribute names).
 */
export interface CloudEvent<TType extends string = string, TData = unknown> {
  specversion: '1.0';
  id: string;
  source: string;
  type: TType;
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  tenantid: string;
  data: TData;
}

export const CLOUDEVENT_JSON_SCHEMA = {
  $id: 'https://scim-platform.local/schemas/cloudevent-envelope.json',
  type: 'object',
  required: ['specversion', 'id', 'source', 'type', 'subject', 'time', 'datacontenttype', 'tenantid', 'data'],
  properties: {
    specversion: { const: '1.0' },
    id: { type: 'string', minLength: 1 },
    source: { type: 'string', minLength: 1 },
    type: { type: 'string', minLength: 1 },
    subject: { type: 'string', minLength: 1 },
    time: { type: 'string', format: 'date-time' },
    datacontenttype: { const: 'application/json' },
    tenantid: { type: 'string', minLength: 1 },
    data: { type: 'object' },
  },
} as const;
