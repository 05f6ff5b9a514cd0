/**
 * Write-only attributes (RFC 7643 §2.2 mutability "writeOnly", returned "never"; the User's
 * `password`, §4.1.1): a service may be sent them but never returns them. This platform keeps
 * none of them, so nothing needs them past the edge: the gateway leaves them out of the commands
 * it puts on Kafka, and the owning service drops any that still reach it. Both use these helpers.
 */
import { ScimError } from '../errors/scim-error';
import { findKey as findJsonKey, type JsonObject } from '../common/json';
import type { AttributeDefinition } from '../schemas/attribute-definition';
import type { SchemaAttributes, SchemaContext } from '../schemas/schema-context';
import { parsePatchPath } from '../paths/patch-path';

/** A PATCH operation as the patch parser gives it (RFC 7644 §3.5.2). */
export interface WriteOperation {
  readonly op: string;
  readonly path?: string;
  readonly value?: unknown;
}

export function isWriteOnly(def: AttributeDefinition): boolean {
  return def.mutability === 'writeOnly' || def.returned === 'never';
}

/**
 * The resource (or a path-less PATCH value) without its write-only attributes, sub-attributes
 * included. Keys are matched as clients write them: `password`, `name.givenName`, a URN-qualified
 * `urn:…:User:password`, or an extension's attributes under its URN key. Returns the object itself
 * when nothing was dropped.
 */
export function withoutWriteOnly<T extends Readonly<Record<string, unknown>>>(resource: T, context: SchemaContext): T {
  let result: Record<string, unknown> | undefined;
  const drop = (key: string, replacement?: unknown) => {
    result ??= { ...resource };
    if (replacement === undefined) delete result[key];
    else result[key] = replacement;
  };
  for (const [key, value] of Object.entries(resource)) {
    const extension = context.attributeSections.find((s) => s.extension && s.schemaUrn.toLowerCase() === key.toLowerCase());
    if (extension !== undefined) {
      if (isRecord(value)) {
        const inner = withoutHiddenIn(value, extension);
        if (inner !== value) drop(key, Object.keys(inner).length > 0 ? inner : undefined);
      }
      continue;
    }
    const resolved = context.resolve(key);
    if (resolved === undefined) continue;
    if (isWriteOnly(resolved.definition)) drop(key);
    else if (resolved.subAttribute === undefined) {
      const cleaned = withoutHiddenSubAttributes(value, resolved.attribute);
      if (cleaned !== value) drop(key, cleaned);
    }
  }
  return (result as T | undefined) ?? resource;
}

/**
 * PATCH operations (RFC 7644 §3.5.2) without what they write to write-only attributes: an
 * operation whose path names one is left out, path-less values lose those members (and the
 * operation goes when nothing else is left). A value filter or sub-attribute on a simple
 * write-only attribute cannot be applied anyway (§3.5.2: filters select complex values) and
 * would carry a secret in its text: it is refused here, 400 invalidPath, without quoting it.
 */
export function withoutWriteOnlyOperations<T extends WriteOperation>(operations: readonly T[], context: SchemaContext): T[] {
  const kept: T[] = [];
  operations.forEach((operation, index) => {
    if (operation.path === undefined) {
      if (!isRecord(operation.value)) {
        kept.push(operation);
        return;
      }
      const value = withoutWriteOnly(operation.value, context);
      if (value === operation.value) kept.push(operation);
      else if (Object.keys(value).length > 0) kept.push({ ...operation, value });
      return;
    }
    const path = parsePatchPath(operation.path);
    const top = context.resolve({ ...(path.uri !== undefined ? { uri: path.uri } : {}), attribute: path.attribute });
    if (top === undefined) {
      kept.push(operation);
      return;
    }
    if (isWriteOnly(top.attribute)) {
      if (top.attribute.type !== 'complex' && (path.filter !== undefined || path.subAttribute !== undefined)) {
        throw new ScimError(400, 'invalidPath', `Operations[${index}].path: '${top.path}' is a simple attribute; it takes no value filter or sub-attribute`);
      }
      return;
    }
    if (path.subAttribute !== undefined) {
      const sub = context.resolveSubAttribute(top, path.subAttribute);
      if (sub !== undefined && isWriteOnly(sub.definition)) return;
      kept.push(operation);
      return;
    }
    const value = operation.value === undefined ? undefined : withoutHiddenSubAttributes(operation.value, top.attribute);
    kept.push(value === operation.value ? operation : { ...operation, ...(value !== undefined ? { value } : {}) });
  });
  return kept;
}

/** An extension's container without its write-only attributes (and sub-attributes). */
function withoutHiddenIn(container: Readonly<Record<string, unknown>>, section: SchemaAttributes): Readonly<Record<string, unknown>> {
  let result: Record<string, unknown> | undefined; // a copy, made at the first change only
  for (const def of section.attributes) {
    const key = findKey(container, def.name);
    if (key === undefined) continue;
    const value = container[key];
    const cleaned = isWriteOnly(def) ? undefined : withoutHiddenSubAttributes(value, def);
    if (cleaned === value) continue;
    result ??= { ...container };
    if (cleaned === undefined) delete result[key];
    else result[key] = cleaned;
  }
  return result ?? container;
}

/** A complex value (or each of a multi-valued one) without its write-only sub-attributes. */
function withoutHiddenSubAttributes(value: unknown, def: AttributeDefinition): unknown {
  const hidden = def.type === 'complex' ? (def.subAttributes ?? []).filter(isWriteOnly) : [];
  if (hidden.length === 0) return value;
  const clean = (item: unknown): unknown => {
    if (!isRecord(item)) return item;
    let out: Record<string, unknown> | undefined;
    for (const sub of hidden) {
      const key = findKey(out ?? item, sub.name);
      if (key === undefined) continue;
      out ??= { ...item };
      delete out[key];
    }
    return out ?? item;
  };
  if (Array.isArray(value)) {
    const items = value.map(clean);
    return items.some((item, i) => item !== value[i]) ? items : value;
  }
  return clean(value);
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Attribute names are case-insensitive (RFC 7643 §2.1); only the keys are read. */
function findKey(object: Readonly<Record<string, unknown>>, name: string): string | undefined {
  return findJsonKey(object as JsonObject, name);
}
