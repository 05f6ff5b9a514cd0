import type { FromSchema } from 'json-schema-to-ts';

/**
 * CloudEvents 1.0 envelope in structured content mode (Kafka protocol binding §3.2): the whole
 * event is the record value, `content-type: application/cloudevents+json`. `tenantid` is an
 * extension attribute (lower-case alphanumerics, as the spec requires of attribute names). The
 * type follows from the schema below (each topic's events narrow it: events.ts, tenant-events.ts).
 */
export type CloudEvent = FromSchema<typeof CLOUDEVENT_JSON_SCHEMA>;

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

/**
 * The two content modes of the CloudEvents Kafka protocol binding. `structured` (the default,
 * §3.2): the whole envelope is the record value, `content-type: application/cloudevents+json`.
 * `binary` (§3.1): the record value is the event's `data`, `content-type` its datacontenttype,
 * and every other attribute a `ce_<name>` header. Consumers here read both.
 */
export type CloudEventsMode = 'structured' | 'binary';
export const CLOUDEVENTS_MODES: readonly CloudEventsMode[] = ['structured', 'binary'];

/** Prefix of the attribute headers in binary mode (Kafka protocol binding §3.1.3). */
export const CLOUDEVENTS_HEADER_PREFIX = 'ce_';

/** Whether a value is a CloudEvents 1.0 envelope (structured). */
export function isCloudEventEnvelope(value: unknown): value is Record<string, unknown> & { specversion: string } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && (value as { specversion?: unknown }).specversion === '1.0';
}

/** An envelope as a binary-mode record: `ce_*` headers for its attributes, its data (JSON) as the value. */
export function binaryRecordOf(event: Record<string, unknown>): { headers: Record<string, string>; value: string | null } {
  const headers: Record<string, string> = {};
  for (const [name, attribute] of Object.entries(event)) {
    if (name === 'data' || name === 'datacontenttype' || attribute === undefined || attribute === null) continue;
    headers[CLOUDEVENTS_HEADER_PREFIX + name] = typeof attribute === 'string' ? attribute : JSON.stringify(attribute);
  }
  headers['content-type'] = typeof event.datacontenttype === 'string' ? event.datacontenttype : 'application/json';
  return { headers, value: event.data === undefined ? null : JSON.stringify(event.data) };
}

/**
 * The envelope a binary-mode record stands for (headers as strings, value as text), or undefined
 * when the record is not in binary mode (no `ce_specversion` header). Data of a JSON content type
 * is parsed; text that is not JSON is an error the caller reports.
 */
export function envelopeOfBinaryRecord(headers: Readonly<Record<string, string>>, value: string | null): Record<string, unknown> | undefined {
  if (headers[`${CLOUDEVENTS_HEADER_PREFIX}specversion`] === undefined) return undefined;
  const event: Record<string, unknown> = {};
  for (const [name, attribute] of Object.entries(headers)) {
    if (name.startsWith(CLOUDEVENTS_HEADER_PREFIX)) event[name.slice(CLOUDEVENTS_HEADER_PREFIX.length)] = attribute;
  }
  const contentType = headers['content-type']?.split(';')[0]?.trim();
  if (contentType) event.datacontenttype = contentType;
  if (value !== null) event.data = !contentType || /[/+]json$/.test(contentType) ? (JSON.parse(value) as unknown) : value;
  return event;
}

/** The envelope of an event record in either binding mode (headers as strings, value as text). */
export function envelopeOfRecord(headers: Readonly<Record<string, string>>, value: string | null): Record<string, unknown> {
  return envelopeOfBinaryRecord(headers, value) ?? (JSON.parse(value ?? 'null') as Record<string, unknown>);
}
