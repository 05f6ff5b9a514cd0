/**
 * Commands: what the gateway asks an owning service to decide. Keyed by tenant id on their
 * topic, so one tenant's commands apply in the order the gateway accepted them.
 */
export interface CommandEnvelope<TType extends string = string, TPayload = Record<string, unknown>> {
  /** Unique per command; the owning service records it with the effects, so redelivery is a no-op. */
  commandId: string;
  type: TType;
  tenantId: string;
  issuedAt: string;
  payload: TPayload;
}

export type UserCommandType = 'user.create' | 'user.replace' | 'user.patch' | 'user.delete';
export type GroupCommandType = 'group.create' | 'group.replace' | 'group.patch' | 'group.delete' | 'group.member-deleted';

/** Any user command on the wire; see user-commands.ts for the payload of each type. */
export type UserCommand = CommandEnvelope<UserCommandType>;
export type GroupCommand = CommandEnvelope<GroupCommandType>;

/** The owning service's decision, sent to the gateway instance named in the command's reply-to header. */
export interface CommandReply {
  commandId: string;
  tenantId: string;
  /** HTTP status the gateway answers with. */
  status: number;
  /** The resource after the change (2xx), or a SCIM error body (4xx). */
  body?: Record<string, unknown>;
  /** For 2xx: the resource's version, sent as the ETag. */
  version?: string;
  /** Unknown attributes the owner ignored under the tenant's `ignore` profile (PATCH paths). */
  ignoredAttributes?: string[];
}

export const COMMAND_JSON_SCHEMA = {
  $id: 'https://scim-platform.local/schemas/command.json',
  type: 'object',
  required: ['commandId', 'type', 'tenantId', 'issuedAt', 'payload'],
  properties: {
    commandId: { type: 'string', minLength: 1, maxLength: 200 },
    type: { type: 'string', pattern: '^[a-z]+\\.[a-z-]+$' },
    tenantId: { type: 'string', minLength: 1, maxLength: 200 },
    issuedAt: { type: 'string', format: 'date-time' },
    payload: { type: 'object' },
  },
} as const;

export const COMMAND_REPLY_JSON_SCHEMA = {
  $id: 'https://scim-platform.local/schemas/command-reply.json',
  type: 'object',
  required: ['commandId', 'tenantId', 'status'],
  properties: {
    commandId: { type: 'string', minLength: 1 },
    tenantId: { type: 'string', minLength: 1 },
    status: { type: 'integer', minimum: 100, maximum: 599 },
    body: { type: 'object' },
    version: { type: 'string' },
    ignoredAttributes: { type: 'array', items: { type: 'string' } },
  },
} as const;
