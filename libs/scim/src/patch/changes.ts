/**
 * Post-PATCH checks and the list of changed paths published with change events.
 */
import { ScimError } from '../errors/scim-error';
import { canonicalJson, getIgnoringCase, isJsonObject, jsonEqual, type JsonObject, type JsonValue } from '../common/json';
import type { AttributeDefinition } from '../schemas/attribute-definition';
import type { SchemaContext } from '../schemas/schema-context';
import { readAttribute } from '../resource/resource-access';
import { isUnassigned } from '../resource/coerce';

/** Equality of two attribute values where unassigned forms match and multi-valued order is ignored. */
export function equivalentValues(def: AttributeDefinition, a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  const aEmpty = isUnassigned(a);
  const bEmpty = isUnassigned(b);
  if (aEmpty || bEmpty) return aEmpty && bEmpty;
  if (def.multiValued && Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    if (jsonEqual(a, b)) return true;
    // Same entries in another order: compare as multisets of canonical JSON text (linear,
    // since member lists can be long).
    const counts = new Map<string, number>();
    for (const item of a) {
      const key = canonicalJson(item);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return b.every((item) => {
      const key = canonicalJson(item);
      const count = counts.get(key) ?? 0;
      counts.set(key, count - 1);
      return count > 0;
    });
  }
  return jsonEqual(a, b);
}

function subValue(value: JsonValue | undefined, name: string): JsonValue | undefined {
  return isJsonObject(value) ? getIgnoringCase(value, name) : undefined;
}

/**
 * Changed attributes between two versions, in schema order: top-level names, or
 * "parent.sub" inside single-valued complex attributes; extension attributes carry their URN.
 */
export function changedAttributePaths(before: JsonObject, after: JsonObject, context: SchemaContext): string[] {
  const changed: string[] = [];
  for (const section of context.attributeSections) {
    for (const def of section.attributes) {
      const a = readAttribute(before, section, def.name);
      const b = readAttribute(after, section, def.name);
      if (equivalentValues(def, a, b)) continue;
      const base = section.extension ? `${section.schemaUrn}:${def.name}` : def.name;
      const subs = def.type === 'complex' && !def.multiValued ? (def.subAttributes ?? []) : [];
      const changedSubs = subs.filter((sub) => !equivalentValues(sub, subValue(a, sub.name), subValue(b, sub.name)));
      if (changedSubs.length === 0) changed.push(base);
      else changed.push(...changedSubs.map((sub) => `${base}.${sub.name}`));
    }
  }
  return changed;
}

/**
 * RFC 7643 §2.2 "immutable": may be set when there was no value, never changed afterwards.
 * Checked on the end result, so re-sending the current value (as Entra does) is accepted.
 */
export function assertImmutableUnchanged(before: JsonObject, after: JsonObject, context: SchemaContext): void {
  for (const section of context.attributeSections) {
    for (const def of section.attributes) {
      const a = readAttribute(before, section, def.name);
      const b = readAttribute(after, section, def.name);
      const path = section.extension ? `${section.schemaUrn}:${def.name}` : def.name;
      if (def.mutability === 'immutable' && !isUnassigned(a) && !equivalentValues(def, a, b)) {
        throw new ScimError(400, 'mutability', `Attribute '${path}' is immutable and cannot be changed`);
      }
      // Sub-attributes of multi-valued attributes are judged per entry, which has no stable identity; skip them.
      if (def.type !== 'complex' || def.multiValued) continue;
      for (const sub of def.subAttributes ?? []) {
        const sa = subValue(a, sub.name);
        if (sub.mutability === 'immutable' && !isUnassigned(sa) && !equivalentValues(sub, sa, subValue(b, sub.name))) {
          throw new ScimError(400, 'mutability', `Attribute '${path}.${sub.name}' is immutable and cannot be changed`);
        }
      }
    }
  }
}
