/**
 * Decides one user command against the batch's state: the SCIM semantics of POST, PUT, PATCH
 * and DELETE on /Users (RFC 7644 §3.3, §3.5.1, §3.5.2, §3.6) once the gateway has validated the
 * request. Pure apart from the state it is given: no I/O of its own, errors become replies.
 */
import { Injectable } from '@nestjs/common';
import type { CommandReply, CreateUserPayload, DeleteUserPayload, PatchUserPayload, ReplaceUserPayload, SchemaProfile, UserCommand, UserEventType } from '@app/contracts';
import {
  applyPatch,
  etagOf,
  ifMatchSatisfied,
  type JsonObject,
  type SchemaContext,
  ScimError,
  type ScimErrorType,
  UserSchemaContexts,
  validateResource,
  withoutWriteOnly,
} from '@app/scim';
import { BatchState } from './batch-state';
import { StoredUser, userNameKey } from '../users/stored-user';
import { changedAttributes, keepReadOnly, missingRequired, withMeta } from '../users/user-resource';
import { isUuid } from '@app/persistence';

/** An accepted change, published as one event. */
export interface UserChange {
  type: UserEventType;
  tenantId: string;
  userId: string;
  /** The resource after the change; for a deletion, the last stored version. */
  resource: JsonObject;
  changedAttributes: string[];
}

export interface Decision {
  reply: Omit<CommandReply, 'commandId' | 'tenantId'>;
  change?: UserChange;
  /** Unknown attributes dropped under the `ignore` profile setting, for the log. */
  ignoredAttributes?: string[];
}

/** Time and ids come from the caller, so a batch shares one timestamp and tests are exact. */
export interface DecisionClock {
  now: string;
  newId(): string;
}

/**
 * userName and externalId are indexed; a B-tree entry cannot exceed about 2.7 kB, so longer
 * values are refused as a client error instead of failing the whole batch in the store.
 */
const MAX_INDEXED_BYTES = 1024;

@Injectable()
export class UserDecider {
  constructor(private readonly contexts: UserSchemaContexts) {}

  async decide(command: UserCommand, state: BatchState, clock: DecisionClock): Promise<Decision> {
    try {
      switch (command.type) {
        case 'user.create':
          return await this.create(command.tenantId, command.payload, state, clock);
        case 'user.replace':
          return await this.replace(command.tenantId, command.payload, state, clock);
        case 'user.patch':
          return await this.patch(command.tenantId, command.payload, state, clock);
        case 'user.delete':
          return this.delete(command.tenantId, command.payload, state);
        default: {
          // Unreachable for a record that passed the topic's schema; kept for commands built in code.
          const unknown: { type?: unknown } = command;
          throw new ScimError(400, 'invalidSyntax', `Unknown command type '${String(unknown.type)}'`);
        }
      }
    } catch (err) {
      if (err instanceof ScimError) return { reply: errorReply(err) };
      throw err;
    }
  }

  private async create(tenantId: string, payload: CreateUserPayload, state: BatchState, clock: DecisionClock): Promise<Decision> {
    const profile = payload.profile;
    const context = this.contexts.of(profile);
    const validated = validateResource(payload.resource, context, { mode: 'create', entraCompat: entraCompat(profile) });
    const ignoredAttributes = refuseUnknownWhenStrict(profile, validated.unknownAttributes, 'invalidSyntax');
    const content = withoutWriteOnly(validated.resource, context);
    checkIndexedLengths(content);
    const userName = String(content.userName);
    if ((await state.ownerOf(tenantId, userName)) !== undefined) throw duplicateUserName(userName);
    const id = clock.newId();
    await checkUniqueExtensionValues(tenantId, id, content, context, state);

    const user: StoredUser = {
      tenantId,
      id,
      version: 1,
      created: clock.now,
      lastModified: clock.now,
      resource: withMeta(content, { id, version: 1, created: clock.now, lastModified: clock.now }),
    };
    state.put(user);
    return {
      reply: { status: 201, body: user.resource, version: etagOf(1) },
      change: { type: 'scim.user.created', tenantId, userId: id, resource: user.resource, changedAttributes: changedAttributes({}, content, context) },
      ignoredAttributes,
    };
  }

  private async replace(tenantId: string, payload: ReplaceUserPayload, state: BatchState, clock: DecisionClock): Promise<Decision> {
    const existing = findForUpdate(tenantId, payload.id, payload.ifMatch, state);
    const profile = payload.profile;
    const context = this.contexts.of(profile);
    // §3.5.1: immutable attributes must keep their value; readOnly ones in the body are ignored.
    const validated = validateResource(payload.resource, context, { mode: 'replace', existing: existing.resource, entraCompat: entraCompat(profile) });
    const ignoredAttributes = refuseUnknownWhenStrict(profile, validated.unknownAttributes, 'invalidSyntax');
    const content = withoutWriteOnly(keepReadOnly(validated.resource, existing.resource, context), context);
    return { ...(await this.update(existing, content, context, state, clock)), ignoredAttributes };
  }

  private async patch(tenantId: string, payload: PatchUserPayload, state: BatchState, clock: DecisionClock): Promise<Decision> {
    const existing = findForUpdate(tenantId, payload.id, payload.ifMatch, state);
    const profile = payload.profile;
    const context = this.contexts.of(profile);
    // The client's list is never empty (the gateway refuses that); an empty one here held only
    // write-only attributes, which the gateway leaves out of commands and no one keeps: no change.
    if (payload.operations.length === 0) return { reply: { status: 200, body: existing.resource, version: etagOf(existing.version) } };
    // §3.5.2: all operations apply or none; applyPatch throws on the first that cannot.
    const patched = applyPatch(existing.resource, payload.operations, context, { entraCompat: entraCompat(profile) });
    const ignoredAttributes = refuseUnknownWhenStrict(profile, patched.unknownAttributes, 'invalidPath');
    const content = withoutWriteOnly(patched.resource, context);
    const missing = missingRequired(content, context);
    if (missing !== undefined) throw new ScimError(400, 'invalidValue', `Attribute '${missing}' is required and cannot be removed`);
    return { ...(await this.update(existing, content, context, state, clock)), ignoredAttributes };
  }

  private delete(tenantId: string, payload: DeleteUserPayload, state: BatchState): Decision {
    const existing = findForUpdate(tenantId, payload.id, payload.ifMatch, state);
    state.remove(existing);
    return {
      reply: { status: 204 },
      change: { type: 'scim.user.deleted', tenantId, userId: existing.id, resource: existing.resource, changedAttributes: [] },
    };
  }

  /** A PUT or PATCH result: a new version when anything changed, else the stored one as it is. */
  private async update(existing: StoredUser, content: JsonObject, context: SchemaContext, state: BatchState, clock: DecisionClock): Promise<Decision> {
    const changed = changedAttributes(existing.resource, content, context);
    if (changed.length === 0) return { reply: { status: 200, body: existing.resource, version: etagOf(existing.version) } };
    checkIndexedLengths(content);
    const userName = String(content.userName);
    if (userNameKey(userName) !== userNameKey(String(existing.resource.userName))) {
      const owner = await state.ownerOf(existing.tenantId, userName);
      if (owner !== undefined && owner !== existing.id) throw duplicateUserName(userName);
    }
    await checkUniqueExtensionValues(existing.tenantId, existing.id, content, context, state);
    const version = existing.version + 1;
    const user: StoredUser = {
      ...existing,
      version,
      lastModified: clock.now,
      resource: withMeta(content, { id: existing.id, version, created: existing.created, lastModified: clock.now }),
    };
    state.put(user, existing);
    return {
      reply: { status: 200, body: user.resource, version: etagOf(version) },
      change: { type: activeTransition(existing.resource, content), tenantId: existing.tenantId, userId: existing.id, resource: user.resource, changedAttributes: changed },
    };
  }
}

/** The user a replace, patch or delete addresses: 404 when the tenant has none, 412 on a stale If-Match. */
function findForUpdate(tenantId: string, id: unknown, ifMatch: unknown, state: BatchState): StoredUser {
  // Another tenant's user is as absent as one never created (every lookup is per tenant).
  const existing = isUuid(id) ? state.get(tenantId, id) : undefined;
  if (existing === undefined) throw new ScimError(404, undefined, `User '${String(id)}' not found`);
  if (!ifMatchSatisfied(typeof ifMatch === 'string' ? ifMatch : undefined, existing.version)) {
    // RFC 7644 §3.14: the version the client holds is no longer current.
    throw new ScimError(412, undefined, `If-Match ${String(ifMatch)} does not match the current version ${etagOf(existing.version)}`);
  }
  return existing;
}

/** `active` flipping is what downstream systems act on (disable / re-enable an account). */
function activeTransition(before: JsonObject, after: JsonObject): UserEventType {
  if (before.active !== false && after.active === false) return 'scim.user.deactivated';
  if (before.active === false && after.active === true) return 'scim.user.reactivated';
  return 'scim.user.updated';
}

/** Entra's dialect unless the tenant chose RFC 7644 as written (connector profile `strictness`). */
function entraCompat(profile: SchemaProfile): boolean {
  return profile.strictness !== 'rfc7644';
}

function refuseUnknownWhenStrict(profile: SchemaProfile, unknown: string[], scimType: ScimErrorType): string[] {
  if (unknown.length === 0) return [];
  if (profile.unknownAttributes === 'strict') {
    throw new ScimError(400, scimType, `Unknown attribute${unknown.length > 1 ? 's' : ''}: ${unknown.map((a) => `'${a}'`).join(', ')}`);
  }
  return unknown;
}

/**
 * Extension attributes a tenant declared unique (uniqueness "server" or "global", RFC 7643 §2.2):
 * 409 uniqueness when another of its users holds the value. Decided with the user's other rules;
 * one tenant's commands are decided in order by one consumer, so no two decisions race.
 */
async function checkUniqueExtensionValues(tenantId: string, userId: string, content: JsonObject, context: SchemaContext, state: BatchState): Promise<void> {
  for (const section of context.attributeSections) {
    if (!section.extension) continue;
    const values = content[section.schemaUrn];
    if (typeof values !== 'object' || values === null || Array.isArray(values)) continue;
    for (const def of section.attributes) {
      if (def.uniqueness === 'none' || def.multiValued || def.type === 'complex') continue;
      const value = values[def.name];
      if (typeof value !== 'string' && typeof value !== 'number') continue;
      const holder = await state.holderOfExtensionValue(tenantId, { schemaUrn: section.schemaUrn, name: def.name, value, caseExact: def.caseExact }, userId);
      if (holder !== undefined) throw new ScimError(409, 'uniqueness', `'${section.schemaUrn}:${def.name}' value '${String(value)}' is already in use`);
    }
  }
}

function duplicateUserName(userName: string): ScimError {
  // RFC 7644 §3.3: 409 uniqueness; RFC 7643 §4.1: userName is unique and not case-exact.
  return new ScimError(409, 'uniqueness', `userName '${userName}' is already in use`);
}

function checkIndexedLengths(content: JsonObject): void {
  for (const name of ['userName', 'externalId']) {
    const value = content[name];
    if (typeof value === 'string' && Buffer.byteLength(value, 'utf8') > MAX_INDEXED_BYTES) {
      throw new ScimError(400, 'invalidValue', `Attribute '${name}' is longer than ${MAX_INDEXED_BYTES} bytes`);
    }
  }
}

export function errorReply(error: ScimError): Decision['reply'] {
  return { status: error.status, body: { ...error.toResponse() } };
}
