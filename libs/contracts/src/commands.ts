import type { FromSchema } from 'json-schema-to-ts';
import { internalBodySchema, internalRoute } from './internal-routes';
import type { NamedMembers } from './schema-type';
/**
 * Commands: what the gateway asks an owning service to decide. Keyed by tenant id on their
 * topic, so one tenant's commands apply in the order the gateway accepted them. The commands of
 * each topic are in user-commands.ts and group-commands.ts.
 */
/**
 * The JSON Schema of one command type: the envelope every command shares, with `type` fixed to
 * that type and the payload schema given. Each command's TypeScript type is derived from its
 * schema (json-schema-to-ts `FromSchema`), so the schema consumers validate with and the type
 * producers and deciders are checked against are one source and cannot drift. Payloads and the
 * envelope take no other members: a new one is a schema change that consumers learn first.
 */
export function commandSchema<const TType extends string, const TPayload extends object>(type: TType, payload: TPayload) {
  return {
    type: 'object',
    required: ['commandId', 'type', 'tenantId', 'issuedAt', 'payload'],
    additionalProperties: false,
    properties: {
      /** Unique per command; the owning service records it with the effects, so redelivery is a no-op. */
      commandId: { type: 'string', minLength: 1, maxLength: 200 },
      type: { const: type },
      tenantId: { type: 'string', minLength: 1, maxLength: 200 },
      issuedAt: { type: 'string', format: 'date-time' },
      payload,
    },
  } as const;
}

/** A payload's schema: exactly these members, the listed ones required. */
export function payloadSchema<const P extends Record<string, object>, const R extends ReadonlyArray<keyof P & string>>(properties: P, required: R) {
  return { type: 'object', required, additionalProperties: false, properties } as const;
}

/** A SCIM resource as JSON: any object (the gateway validated it against the tenant's schemas). */
export const RESOURCE_JSON_SCHEMA = { type: 'object' } as const;

/** One PATCH operation after the gateway normalised Entra's dialect (RFC 7644 §3.5.2). */
export const PATCH_OPERATION_JSON_SCHEMA = {
  type: 'object',
  required: ['op'],
  additionalProperties: false,
  properties: {
    op: { enum: ['add', 'replace', 'remove'] },
    path: { type: 'string' },
    value: {},
  },
} as const;

/** The client's If-Match ETag; the owner answers 412 when it does not match the stored version. */
export const IF_MATCH_JSON_SCHEMA = { type: 'string' } as const;

/** A resource id as the client sent it in the URL (the owner answers 404 for one it does not hold). */
export const RESOURCE_ID_JSON_SCHEMA = { type: 'string' } as const;

/** The members of a write to one resource: its id and the client's If-Match. */
export const ADDRESSED = { id: RESOURCE_ID_JSON_SCHEMA, ifMatch: IF_MATCH_JSON_SCHEMA } as const;

/** A PATCH request's operations (RFC 7644 §3.5.2), normalised by the gateway. */
export const PATCH_OPERATIONS_JSON_SCHEMA = { type: 'array', items: PATCH_OPERATION_JSON_SCHEMA } as const;

/** The owning service's decision, sent to the gateway instance named in the command's reply-to header. */
export const COMMAND_REPLY_JSON_SCHEMA = {
  $id: 'https://scim-platform.local/schemas/command-reply.json',
  title: 'scim.command-replies.v1',
  type: 'object',
  required: ['commandId', 'tenantId', 'status'],
  properties: {
    commandId: { type: 'string', minLength: 1 },
    tenantId: { type: 'string', minLength: 1 },
    status: { type: 'integer', minimum: 100, maximum: 599, description: 'HTTP status the gateway answers with.' },
    body: { type: 'object', description: 'The resource after the change (2xx), or a SCIM error body (4xx).' },
    version: { type: 'string', description: "For 2xx: the resource's version, sent as the ETag." },
    ignoredAttributes: { type: 'array', items: { type: 'string' }, description: "Unknown attributes the owner ignored under the tenant's `ignore` profile (PATCH paths)." },
  },
} as const;
export type CommandReply = NamedMembers<FromSchema<typeof COMMAND_REPLY_JSON_SCHEMA>>;

/**
 * Decisions delivered straight to the gateway instance that waits for them (the command's
 * reply-to header is then this route's URL on that instance): one HTTP request per decided batch
 * and instance, instead of a produce and a fetch through the broker.
 */
export const CommandReplyRoutes = {
  /** POST CommandReplyBatch → 204; 404 when this instance is not the one named. */
  deliver: internalRoute('POST', '/internal/v1/command-replies/:instanceId'),
} as const;

export const COMMAND_REPLY_BATCH_JSON_SCHEMA = {
  type: 'object',
  required: ['replies'],
  additionalProperties: false,
  properties: { replies: { type: 'array', maxItems: 10_000, items: COMMAND_REPLY_JSON_SCHEMA } },
} as const;
export type CommandReplyBatch = FromSchema<typeof COMMAND_REPLY_BATCH_JSON_SCHEMA>;
export const CommandReplyBatchBody = internalBodySchema(COMMAND_REPLY_BATCH_JSON_SCHEMA);

/** Whether a reply-to header names an HTTP delivery route (else it is a gateway instance id on the reply topic). */
export function isReplyUrl(replyTo: string): boolean {
  return /^https?:\/\/[^/\s]+\/internal\/v1\/command-replies\/[^/\s]+$/.test(replyTo);
}
