/**
 * What the service does to SCIM User documents beyond the protocol library: the attributes it
 * maintains itself (`id`, `meta`, RFC 7643 §3.1), the read-only ones a PUT keeps, and the list
 * of changed attributes published with each event. Write-only attributes are dropped by
 * `withoutWriteOnly` from @app/scim, shared with the gateway.
 */
import { isDeepStrictEqual } from 'node:util';
import type { AttributeDefinition, JsonObject, JsonValue, SchemaAttributes, SchemaContext } from '@app/scim';
import { etagOf } from '@app/scim';

/** Maintained by us on every write; never compared or taken from a client (RFC 7643 §3.1). */
const SERVICE_MAINTAINED = new Set(['id', 'meta']);

export interface UserMeta {
  id: string;
  version: number;
  created: string;
  lastModified: string;
}

/** The resource as stored and replied: `schemas` first, then `id`, the attributes, `meta` last. */
export function withMeta(content: JsonObject, meta: UserMeta): JsonObject {
  const { schemas, id: _id, meta: _meta, ...attributes } = content;
  return {
    schemas: schemas ?? [],
    id: meta.id,
    ...attributes,
    meta: { resourceType: 'User', created: meta.created, lastModified: meta.lastModified, version: etagOf(meta.version) },
  };
}

/**
 * RFC 7644 §3.5.1: readOnly attributes in a PUT body are ignored, so the stored values stay
 * (e.g. `groups`, maintained from Group membership). `id` and `meta` are set by withMeta.
 */
export function keepReadOnly(replacement: JsonObject, existing: JsonObject, context: SchemaContext): JsonObject {
  const result: JsonObject = { ...replacement };
  for (const section of context.attributeSections) {
    for (const def of section.attributes) {
      if (def.mutability !== 'readOnly' || (!section.extension && SERVICE_MAINTAINED.has(def.name))) continue;
      const stored = readValue(existing, section, def.name);
      if (stored === undefined) continue;
      if (section.extension) {
        const key = keyOf(result, section.schemaUrn) ?? section.schemaUrn;
        const container = result[key];
        result[key] = { ...(isObject(container) ? container : {}), [def.name]: stored };
      } else {
        result[def.name] = stored;
      }
    }
  }
  return result;
}

/** The first required attribute without a value (RFC 7643 §2.2 "required"), as a path. */
export function missingRequired(resource: JsonObject, context: SchemaContext): string | undefined {
  for (const section of context.attributeSections) {
    for (const def of section.attributes) {
      if (!def.required || def.mutability === 'readOnly') continue;
      const value = readValue(resource, section, def.name);
      if (unassigned(value) || value === '') return pathOf(section, def);
    }
  }
  return undefined;
}

/**
 * Attributes whose value differs, in schema order: top-level names, `parent.sub` inside
 * single-valued complex attributes, extension attributes with their URN. Unassigned forms are
 * equal (RFC 7643 §2.5) and multi-valued attributes compare as unordered (§2.4).
 */
export function changedAttributes(before: JsonObject, after: JsonObject, context: SchemaContext): string[] {
  const changed: string[] = [];
  for (const section of context.attributeSections) {
    for (const def of section.attributes) {
      if (!section.extension && SERVICE_MAINTAINED.has(def.name)) continue;
      const a = readValue(before, section, def.name);
      const b = readValue(after, section, def.name);
      if (equivalent(def, a, b)) continue;
      const base = pathOf(section, def);
      const subs = def.type === 'complex' && !def.multiValued ? (def.subAttributes ?? []) : [];
      const changedSubs = subs.filter((sub) => !equivalent(sub, member(a, sub.name), member(b, sub.name)));
      if (changedSubs.length === 0) changed.push(base);
      else changed.push(...changedSubs.map((sub) => `${base}.${sub.name}`));
    }
  }
  return changed;
}

function equivalent(def: AttributeDefinition, a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (unassigned(a) || unassigned(b)) return unassigned(a) && unassigned(b);
  if (def.multiValued && Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    const left = a.map(canonical).sort();
    const right = b.map(canonical).sort();
    return left.every((text, i) => text === right[i]);
  }
  return isDeepStrictEqual(a, b);
}

function canonical(value: JsonValue): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isObject(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

function unassigned(value: JsonValue | undefined): boolean {
  if (value === undefined || value === null) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (isObject(value)) return Object.values(value).every(unassigned);
  return false;
}

function pathOf(section: SchemaAttributes, def: AttributeDefinition): string {
  return section.extension ? `${section.schemaUrn}:${def.name}` : def.name;
}

function readValue(resource: JsonObject, section: SchemaAttributes, name: string): JsonValue | undefined {
  const container = containerOf(resource, section);
  return container === undefined ? undefined : member(container, name);
}

function containerOf(resource: JsonObject, section: SchemaAttributes): JsonObject | undefined {
  if (!section.extension) return resource;
  const key = keyOf(resource, section.schemaUrn);
  const value = key === undefined ? undefined : resource[key];
  return isObject(value) ? value : undefined;
}

/** Attribute names and schema URNs are case-insensitive (RFC 7643 §2.1). */
function keyOf(object: JsonObject, name: string): string | undefined {
  if (Object.prototype.hasOwnProperty.call(object, name)) return name;
  const lower = name.toLowerCase();
  return Object.keys(object).find((key) => key.toLowerCase() === lower);
}

function member(value: JsonValue | undefined, name: string): JsonValue | undefined {
  if (!isObject(value)) return undefined;
  const key = keyOf(value, name);
  return key === undefined ? undefined : value[key];
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
