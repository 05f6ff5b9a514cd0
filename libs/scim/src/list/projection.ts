/**
 * "attributes" / "excludedAttributes" (RFC 7644 §3.4.2.5, §3.9) applied to a resource,
 * following each attribute's "returned" characteristic (RFC 7643 §2.2):
 * always — in every response; never — in none (password); default — unless excluded, or
 * when "attributes" lists others; request — only when "attributes" names it.
 */
import { findKey, getIgnoringCase, isJsonObject, type JsonObject, type JsonValue } from '../common/json';
import type { AttributeDefinition } from '../schemas/attribute-definition';
import type { SchemaContext } from '../schemas/schema-context';
import { readAttribute } from '../resource/resource-access';

export interface ProjectionOptions {
  readonly attributes?: readonly string[];
  readonly excludedAttributes?: readonly string[];
}

/** Splits a comma-separated attribute list parameter. */
export function parseAttributeList(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** Selected attributes: whole ('all') or a set of lower-cased sub-attribute names. */
type Selection = Map<string, 'all' | Set<string>>;

function selectionKey(schemaUrn: string, name: string): string {
  return `${schemaUrn.toLowerCase()}|${name.toLowerCase()}`;
}

function buildSelection(paths: readonly string[], context: SchemaContext): Selection {
  const selection: Selection = new Map();
  const selectAll = (key: string): void => {
    selection.set(key, 'all');
  };
  for (const text of paths) {
    const extension = context.findExtension(text);
    if (extension !== undefined) {
      for (const def of extension.attributes) selectAll(selectionKey(extension.id, def.name));
      continue;
    }
    // Unknown names are ignored: the RFC defines no error for them here.
    const resolved = context.resolve(text);
    if (resolved === undefined) continue;
    const key = selectionKey(resolved.schemaUrn, resolved.attribute.name);
    if (resolved.subAttribute === undefined) {
      selectAll(key);
      continue;
    }
    const current = selection.get(key);
    if (current === 'all') continue;
    const subs = current ?? new Set<string>();
    subs.add(resolved.subAttribute.name.toLowerCase());
    selection.set(key, subs);
  }
  return selection;
}

export function projectResource(resource: JsonObject, context: SchemaContext, options: ProjectionOptions = {}): JsonObject {
  const requested = options.attributes !== undefined && options.attributes.length > 0 ? buildSelection(options.attributes, context) : undefined;
  const excluded = buildSelection(options.excludedAttributes ?? [], context);
  const result: JsonObject = {};
  const schemas = getIgnoringCase(resource, 'schemas');
  if (schemas !== undefined) result['schemas'] = schemas;
  for (const section of context.attributeSections) {
    const target: JsonObject = {};
    for (const def of section.attributes) {
      const value = readAttribute(resource, section, def.name);
      if (value === undefined || def.returned === 'never') continue;
      const key = selectionKey(section.schemaUrn, def.name);
      const include = requested?.get(key);
      const exclude = excluded.get(key);
      let subs: 'all' | Set<string>;
      if (def.returned === 'always') subs = 'all';
      else if (requested !== undefined) {
        if (include === undefined) continue;
        subs = include;
      } else if (def.returned === 'request') continue;
      else subs = 'all';
      if (exclude === 'all' && def.returned !== 'always') continue;
      const projected = projectValue(def, value, subs, exclude instanceof Set ? exclude : undefined);
      if (projected !== undefined) target[def.name] = projected;
    }
    if (!section.extension) Object.assign(result, target);
    else if (Object.keys(target).length > 0) result[section.schemaUrn] = target;
  }
  return result;
}

function projectValue(def: AttributeDefinition, value: JsonValue, include: 'all' | Set<string>, exclude: Set<string> | undefined): JsonValue | undefined {
  if (def.type !== 'complex') return value;
  const projectOne = (entry: JsonValue): JsonValue | undefined => {
    if (!isJsonObject(entry)) return entry;
    const out: JsonObject = {};
    for (const sub of def.subAttributes ?? []) {
      const key = findKey(entry, sub.name);
      if (key === undefined || sub.returned === 'never') continue;
      const lower = sub.name.toLowerCase();
      const named = include !== 'all' && include.has(lower);
      if (sub.returned !== 'always') {
        if (include !== 'all' && !named) continue;
        if (sub.returned === 'request' && !named) continue;
        if (exclude?.has(lower)) continue;
      }
      out[sub.name] = entry[key]!;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  };
  if (Array.isArray(value)) {
    const entries = value.map(projectOne).filter((entry): entry is JsonValue => entry !== undefined);
    return entries.length > 0 ? entries : undefined;
  }
  return projectOne(value);
}
