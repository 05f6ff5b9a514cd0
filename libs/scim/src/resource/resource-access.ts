/**
 * Where attribute values live in a resource document: core attributes at the top level,
 * extension attributes inside an object keyed by the extension URN (RFC 7643 §3.3).
 */
import { deleteIgnoringCase, findKey, getIgnoringCase, isJsonObject, setIgnoringCase, type JsonObject, type JsonValue } from '../common/json';
import type { SchemaContext, SchemaAttributes } from '../schemas/schema-context';

/** The object holding a schema section's attributes; created on demand when `create`. */
export function sectionContainer(resource: JsonObject, section: Pick<SchemaAttributes, 'schemaUrn' | 'extension'>, create: boolean): JsonObject | undefined {
  if (!section.extension) return resource;
  const existing = getIgnoringCase(resource, section.schemaUrn);
  if (isJsonObject(existing)) {
    // When writing, normalise the key to the canonical URN spelling; reads never mutate.
    const key = findKey(resource, section.schemaUrn)!;
    if (create && key !== section.schemaUrn) {
      delete resource[key];
      resource[section.schemaUrn] = existing;
    }
    return existing;
  }
  if (!create) return undefined;
  const created: JsonObject = {};
  setIgnoringCase(resource, section.schemaUrn, created);
  return created;
}

export function readAttribute(resource: JsonObject, section: Pick<SchemaAttributes, 'schemaUrn' | 'extension'>, name: string): JsonValue | undefined {
  const container = sectionContainer(resource, section, false);
  return container === undefined ? undefined : getIgnoringCase(container, name);
}

/** Writes a value, or removes the attribute when `value` is undefined. */
export function writeAttribute(resource: JsonObject, section: Pick<SchemaAttributes, 'schemaUrn' | 'extension'>, name: string, value: JsonValue | undefined): void {
  if (value === undefined) {
    const container = sectionContainer(resource, section, false);
    if (container !== undefined) deleteIgnoringCase(container, name);
    return;
  }
  setIgnoringCase(sectionContainer(resource, section, true)!, name, value);
}

/**
 * Drops empty extension objects and rewrites "schemas" as the core URN plus every extension
 * that holds data (RFC 7643 §3: "schemas" lists the schemas the resource uses).
 */
export function syncSchemas(resource: JsonObject, context: SchemaContext, keep: readonly string[] = []): void {
  const used: string[] = [context.core.id];
  for (const ext of context.extensions) {
    const container = sectionContainer(resource, { schemaUrn: ext.id, extension: true }, false);
    const hasData = container !== undefined && Object.keys(container).length > 0;
    if (container !== undefined && !hasData) deleteIgnoringCase(resource, ext.id);
    if (hasData || keep.some((k) => k.toLowerCase() === ext.id.toLowerCase())) used.push(ext.id);
  }
  setIgnoringCase(resource, 'schemas', used);
}
