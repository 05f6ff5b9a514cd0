/**
 * Validation and normalisation of POST (create) and PUT (replace) bodies,
 * RFC 7644 §3.3 and §3.5.1.
 */
import { ScimError } from '../errors/scim-error';
import { asJsonValue, findKey, getIgnoringCase, isJsonObject, type JsonObject, type JsonValue } from '../common/json';
import type { AttributeDefinition } from '../schemas/attribute-definition';
import type { ResolvedAttribute, SchemaAttributes, SchemaContext } from '../schemas/schema-context';
import { parseAttributePath } from '../paths/attribute-path';
import { equivalentValues } from '../patch/changes';
import { enforceSinglePrimary } from '../patch/multi-valued';
import { coerceAttributeValue, isUnassigned, stripUnassigned, type CoerceOptions } from './coerce';
import { readAttribute, syncSchemas, writeAttribute } from './resource-access';

export interface ValidateResourceOptions {
  /** 'create' for POST, 'replace' for PUT. Default 'create'. */
  readonly mode?: 'create' | 'replace';
  /** The stored resource, for PUT: immutable attributes must keep their value (RFC 7644 §3.5.1). */
  readonly existing?: JsonObject;
  /** Accept Entra's value quirks ("True"/"False", bare-string manager). Default true. */
  readonly entraCompat?: boolean;
}

export interface ValidatedResource {
  /** Canonical resource: attribute names in schema case, readOnly input dropped, "schemas" rewritten. */
  readonly resource: JsonObject;
  /** Attributes the schema does not define; not stored, the caller decides whether to refuse. */
  readonly unknownAttributes: string[];
}

export function validateResource(body: unknown, context: SchemaContext, options: ValidateResourceOptions = {}): ValidatedResource {
  const json = asJsonValue(body);
  if (!isJsonObject(json)) throw new ScimError(400, 'invalidSyntax', 'Request body must be a JSON object');
  const listed = checkSchemas(json, context);
  const unknown = new Set<string>();
  const coerce: CoerceOptions = {
    entraCompat: options.entraCompat ?? true,
    emptyStringIsUnassigned: false,
    unknownAttributes: unknown,
  };
  const resource: JsonObject = {};
  for (const [key, raw] of Object.entries(json)) {
    if (key.toLowerCase() === 'schemas') continue;
    const extension = context.findExtension(key);
    if (extension !== undefined) {
      if (raw === null) continue;
      if (!isJsonObject(raw)) throw new ScimError(400, 'invalidValue', `Extension '${extension.id}' must be an object`);
      for (const [name, value] of Object.entries(raw)) {
        const target = context.resolve({ uri: extension.id, attribute: name });
        if (target === undefined) unknown.add(`${extension.id}:${name}`);
        else store(resource, target, value, coerce);
      }
      continue;
    }
    const target = resolveKey(context, key);
    if (target === undefined) unknown.add(key);
    else store(resource, target, raw, coerce);
  }
  if (options.mode === 'replace' && options.existing !== undefined) keepImmutable(resource, options.existing, context);
  checkRequired(resource, context);
  syncSchemas(resource, context, listed);
  return { resource, unknownAttributes: [...unknown] };
}

/** "schemas" must list the core schema; every URN must be the core schema or an enabled extension. */
function checkSchemas(body: JsonObject, context: SchemaContext): string[] {
  const key = findKey(body, 'schemas');
  const schemas = key === undefined ? undefined : body[key];
  if (!Array.isArray(schemas) || schemas.length === 0 || !schemas.every((s): s is string => typeof s === 'string')) {
    throw new ScimError(400, 'invalidSyntax', '"schemas" must be a non-empty array of schema URNs');
  }
  const canonical: string[] = [];
  for (const urn of schemas) {
    const schema = context.findSchema(urn);
    if (schema === undefined) throw new ScimError(400, 'invalidValue', `Schema '${urn}' is not supported for ${context.resourceType.name}`);
    canonical.push(schema.id);
  }
  if (!canonical.includes(context.core.id)) {
    throw new ScimError(400, 'invalidSyntax', `"schemas" must contain ${context.core.id}`);
  }
  return canonical;
}

/** A top-level key: a plain attribute name, or one fully qualified with its schema URN (§3.10). */
function resolveKey(context: SchemaContext, key: string): ResolvedAttribute | undefined {
  if (!/^urn:/i.test(key)) return context.resolve({ attribute: key });
  try {
    const path = parseAttributePath(key);
    return path.subAttribute === undefined ? context.resolve(path) : undefined;
  } catch {
    return undefined;
  }
}

function store(resource: JsonObject, target: ResolvedAttribute, raw: unknown, coerce: CoerceOptions): void {
  // RFC 7644 §3.3/§3.5.1: readOnly values in the request (id, meta, groups) are ignored.
  if (target.attribute.mutability === 'readOnly') return;
  const def = target.attribute;
  const value = stripUnassigned(coerceAttributeValue(def, raw, target.path, coerce));
  if (value === null) return;
  if (def.multiValued && Array.isArray(value)) {
    checkEntries(def, value, target.path);
    // Every entry came from this request, so two primaries are an error (RFC 7643 §2.4).
    enforceSinglePrimary(def, value, new Set(value), target.path);
  }
  writeAttribute(resource, target, def.name, value);
}

function checkEntries(def: AttributeDefinition, entries: readonly JsonValue[], path: string): void {
  const required = (def.subAttributes ?? []).filter((sub) => sub.required);
  for (const entry of entries) {
    for (const sub of required) {
      if (!isJsonObject(entry) || isUnassigned(getIgnoringCase(entry, sub.name))) {
        throw new ScimError(400, 'invalidValue', `Each entry of '${path}' requires '${sub.name}'`);
      }
    }
  }
}

function checkRequired(resource: JsonObject, context: SchemaContext): void {
  for (const section of context.attributeSections) {
    for (const def of section.attributes) {
      if (!def.required || def.mutability === 'readOnly') continue;
      const value = readAttribute(resource, section, def.name);
      if (isUnassigned(value) || value === '') {
        throw new ScimError(400, 'invalidValue', `Attribute '${pathOf(section, def)}' is required`);
      }
    }
  }
}

/**
 * RFC 7644 §3.5.1: on PUT an immutable attribute that has a value must be given the same
 * value; when the client leaves it out, the stored value is kept rather than erased.
 */
function keepImmutable(resource: JsonObject, existing: JsonObject, context: SchemaContext): void {
  for (const section of context.attributeSections) {
    for (const def of section.attributes) {
      if (def.mutability !== 'immutable') continue;
      const stored = readAttribute(existing, section, def.name);
      if (isUnassigned(stored)) continue;
      const given = readAttribute(resource, section, def.name);
      if (given === undefined) writeAttribute(resource, section, def.name, stored);
      else if (!equivalentValues(def, stored, given)) {
        throw new ScimError(400, 'mutability', `Attribute '${pathOf(section, def)}' is immutable and cannot be changed`);
      }
    }
  }
}

function pathOf(section: SchemaAttributes, def: AttributeDefinition): string {
  return section.extension ? `${section.schemaUrn}:${def.name}` : def.name;
}
