/**
 * The PATCH request message, RFC 7644 §3.5.2.
 */
import { ScimError } from '../errors/scim-error';
import { asJsonValue, findKey, isJsonObject, type JsonValue } from '../common/json';
import { PATCH_OP_SCHEMA } from '../schemas/urns';
import { SCIM_INPUT_LIMITS } from '../limits/input-limits';
import { parsePatchPath } from '../paths/patch-path';

export type PatchOperationType = 'add' | 'remove' | 'replace';

export interface PatchOperation {
  readonly op: PatchOperationType;
  readonly path?: string;
  readonly value?: JsonValue;
}

/** An operation as a client sent it: Entra without aadOptscim062020 capitalises "op". */
export interface PatchOperationInput {
  readonly op: string;
  readonly path?: string | null;
  readonly value?: unknown;
}

/** Normalises one operation; `index` only feeds error details. */
export function normalisePatchOperation(raw: unknown, index: number): PatchOperation {
  const where = `Operations[${index}]`;
  if (!isJsonObject(raw)) throw new ScimError(400, 'invalidSyntax', `${where} must be an object`);
  // Member names are case-insensitive like attribute names (RFC 7643 §2.1).
  const member = (name: string): JsonValue | undefined => {
    const key = findKey(raw, name);
    return key === undefined ? undefined : raw[key];
  };
  const input = { op: member('op'), path: member('path'), value: member('value') };
  if (typeof input.op !== 'string') throw new ScimError(400, 'invalidSyntax', `${where} must have a string "op"`);
  const op = input.op.toLowerCase();
  if (op !== 'add' && op !== 'remove' && op !== 'replace') {
    throw new ScimError(400, 'invalidSyntax', `${where} has unsupported op "${input.op}"`);
  }
  if (input.path !== undefined && input.path !== null && typeof input.path !== 'string') {
    throw new ScimError(400, 'invalidPath', `${where}.path must be a string`);
  }
  const path = typeof input.path === 'string' && input.path.trim() !== '' ? input.path.trim() : undefined;
  // Syntax (and the filter limits) checked wherever the request is read, so a path no owner could parse is never sent on.
  if (path !== undefined) parsePatchPath(path);
  const value = input.value === undefined ? undefined : asJsonValue(input.value);
  if (input.value !== undefined && value === undefined) {
    throw new ScimError(400, 'invalidValue', `${where}.value is not representable as JSON`);
  }
  // RFC 7644 §3.5.2.1/§3.5.2.3: "value" is REQUIRED for add and replace.
  if (op !== 'remove' && value === undefined) {
    throw new ScimError(400, 'invalidValue', `${where} (${op}) requires a "value"`);
  }
  return { op, ...(path !== undefined ? { path } : {}), ...(value !== undefined ? { value } : {}) };
}

/**
 * Validates a PATCH body: "schemas" must hold the PatchOp URN and "Operations" a non-empty
 * array (member names are matched ignoring case, RFC 7643 §2.1).
 */
export function parsePatchRequest(body: unknown): PatchOperation[] {
  if (!isJsonObject(body)) throw new ScimError(400, 'invalidSyntax', 'PATCH body must be a JSON object');
  const schemasKey = findKey(body, 'schemas');
  const schemas = schemasKey === undefined ? undefined : body[schemasKey];
  if (!Array.isArray(schemas) || !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === PATCH_OP_SCHEMA.toLowerCase())) {
    throw new ScimError(400, 'invalidSyntax', `PATCH body "schemas" must contain ${PATCH_OP_SCHEMA}`);
  }
  const operationsKey = findKey(body, 'Operations');
  const operations = operationsKey === undefined ? undefined : body[operationsKey];
  if (!Array.isArray(operations) || operations.length === 0) {
    throw new ScimError(400, 'invalidSyntax', 'PATCH body "Operations" must be a non-empty array');
  }
  if (operations.length > SCIM_INPUT_LIMITS.patchOperations) {
    throw new ScimError(400, 'invalidValue', `A PATCH request may hold at most ${SCIM_INPUT_LIMITS.patchOperations} operations; this one has ${operations.length}`);
  }
  return operations.map((op, index) => normalisePatchOperation(op, index));
}
