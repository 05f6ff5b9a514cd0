/**
 * Entries of multi-valued attributes (RFC 7643 §2.4): identity, merging and the rule that
 * "primary" is true for at most one entry.
 */
import { ScimError } from '../errors/scim-error';
import { getIgnoringCase, isJsonObject, jsonEqual, setIgnoringCase, deleteIgnoringCase, type JsonObject, type JsonValue } from '../common/json';
import { sameValue } from '../filter/compare';
import { findSubAttribute, type AttributeDefinition } from '../schemas/attribute-definition';

export function asEntries(value: JsonValue | undefined): JsonValue[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? [...value] : [value];
}

/** Sub-attribute-wise equality honouring each sub-attribute's caseExact. */
function entriesEqual(def: AttributeDefinition, a: JsonObject, b: JsonObject): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)].map((k) => k.toLowerCase()));
  for (const key of keys) {
    const sub = findSubAttribute(def, key);
    const av = getIgnoringCase(a, key);
    const bv = getIgnoringCase(b, key);
    if (sub !== undefined && !sub.multiValued ? !sameValue(sub, av, bv) : !jsonEqual(av ?? null, bv ?? null)) return false;
  }
  return true;
}

/**
 * Whether two entries denote the same item: entries with a "value" are the same when their
 * values match (and their "type"s too, when both carry one), so re-adding a member or an
 * email updates it instead of duplicating it. Other entries compare whole.
 */
export function sameEntry(def: AttributeDefinition, a: JsonValue, b: JsonValue): boolean {
  if (!isJsonObject(a) || !isJsonObject(b)) return def.type === 'complex' ? jsonEqual(a, b) : sameValue(def, a, b);
  const valueSub = findSubAttribute(def, 'value');
  const av = getIgnoringCase(a, 'value');
  const bv = getIgnoringCase(b, 'value');
  if (valueSub !== undefined && av !== undefined && bv !== undefined) {
    if (!sameValue(valueSub, av, bv)) return false;
    const typeSub = findSubAttribute(def, 'type');
    const at = getIgnoringCase(a, 'type');
    const bt = getIgnoringCase(b, 'type');
    return typeSub === undefined || at === undefined || bt === undefined || sameValue(typeSub, at, bt);
  }
  return entriesEqual(def, a, b);
}

/**
 * Whether `entry` is what a remove-with-value `probe` designates: the same item when the
 * probe has a "value", else an entry carrying every sub-attribute the probe lists.
 */
export function entryMatchesProbe(def: AttributeDefinition, entry: JsonValue, probe: JsonValue): boolean {
  if (!isJsonObject(entry) || !isJsonObject(probe) || getIgnoringCase(probe, 'value') !== undefined) {
    return sameEntry(def, entry, probe);
  }
  const keys = Object.keys(probe);
  return (
    keys.length > 0 &&
    keys.every((key) => {
      const sub = findSubAttribute(def, key);
      const expected = probe[key];
      const actual = getIgnoringCase(entry, key);
      return sub !== undefined && !sub.multiValued ? sameValue(sub, actual, expected) : jsonEqual(actual ?? null, expected ?? null);
    })
  );
}

/**
 * Merges a complex value: members of `patch` set to null are removed, others overwrite
 * (RFC 7644 §3.5.2.3: sub-attributes not given are left unchanged). Returns null when
 * nothing is left, or when the entry lost its "value": an entry whose identifying value was
 * cleared (Entra clears `manager` or `emails[type eq "work"].value` with "") no longer
 * describes anything.
 */
export function mergeComplex(def: AttributeDefinition, current: JsonValue | undefined, patch: JsonObject): JsonObject | null {
  const before = isJsonObject(current) ? current : undefined;
  const merged: JsonObject = before ? { ...before } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) deleteIgnoringCase(merged, key);
    else setIgnoringCase(merged, key, value);
  }
  if (Object.keys(merged).length === 0) return null;
  const hadValue = before !== undefined && getIgnoringCase(before, 'value') !== undefined;
  if (findSubAttribute(def, 'value') !== undefined && hadValue && getIgnoringCase(merged, 'value') === undefined) return null;
  return merged;
}

/**
 * A lookup key for an entry's "value", so large lists (group members) are matched in linear
 * time; entries that sameEntry() could equate always share a key. Undefined when the entry
 * has no usable value, in which case callers compare against every entry.
 */
export function entryKey(def: AttributeDefinition, entry: JsonValue): string | undefined {
  const valueSub = findSubAttribute(def, 'value');
  if (valueSub === undefined || !isJsonObject(entry)) return undefined;
  if (valueSub.type !== 'string' && valueSub.type !== 'reference' && valueSub.type !== 'binary') return undefined;
  const value = getIgnoringCase(entry, 'value');
  if (typeof value !== 'string') return undefined;
  return valueSub.caseExact ? value : value.toLowerCase();
}

/**
 * Adds entries without duplicating (RFC 7644 §3.5.2.1): an incoming entry equal to an
 * existing one is merged into it. `touched` receives the entries the request wrote.
 */
export function mergeEntries(def: AttributeDefinition, existing: readonly JsonValue[], incoming: readonly JsonValue[], touched: Set<JsonValue>): JsonValue[] {
  const result = [...existing];
  const byKey = new Map<string, number[]>();
  const unkeyed: number[] = [];
  const remember = (entry: JsonValue, index: number): void => {
    const key = entryKey(def, entry);
    if (key === undefined) unkeyed.push(index);
    else byKey.set(key, [...(byKey.get(key) ?? []), index]);
  };
  result.forEach(remember);
  for (const entry of incoming) {
    const key = entryKey(def, entry);
    const candidates = key === undefined ? result.map((_, i) => i) : [...(byKey.get(key) ?? []), ...unkeyed];
    const index = candidates.find((i) => sameEntry(def, result[i], entry));
    if (index === undefined) {
      result.push(entry);
      remember(entry, result.length - 1);
      touched.add(entry);
      continue;
    }
    const current = result[index]!;
    if (isJsonObject(current) && isJsonObject(entry)) {
      const merged = mergeComplex(def, current, entry) ?? current;
      result[index] = merged;
      touched.add(merged);
    }
  }
  return result;
}

/** Entries left after removing those any probe designates (remove with "value"). */
export function removeEntries(def: AttributeDefinition, entries: readonly JsonValue[], probes: readonly JsonValue[]): JsonValue[] {
  const byKey = new Map<string, JsonValue[]>();
  const unkeyed: JsonValue[] = [];
  for (const probe of probes) {
    // A probe without "value" matches on its other sub-attributes, so it cannot use the key.
    const key = isJsonObject(probe) && getIgnoringCase(probe, 'value') !== undefined ? entryKey(def, probe) : undefined;
    if (key === undefined) unkeyed.push(probe);
    else byKey.set(key, [...(byKey.get(key) ?? []), probe]);
  }
  return entries.filter((entry) => {
    const key = entryKey(def, entry);
    const candidates = key === undefined ? probes : [...(byKey.get(key) ?? []), ...unkeyed];
    return !candidates.some((probe) => entryMatchesProbe(def, entry, probe));
  });
}

/**
 * RFC 7643 §2.4: "primary" may be true for one entry only. When the request marks an entry
 * primary, the flag is taken off the others; a request that itself marks two is refused.
 */
export function enforceSinglePrimary(def: AttributeDefinition, entries: JsonValue[], touched: ReadonlySet<JsonValue>, path: string): JsonValue[] {
  if (findSubAttribute(def, 'primary') === undefined) return entries;
  const isPrimary = (entry: JsonValue): entry is JsonObject => isJsonObject(entry) && getIgnoringCase(entry, 'primary') === true;
  const primaries = entries.filter(isPrimary);
  if (primaries.length <= 1) return entries;
  const chosen = primaries.filter((entry) => touched.has(entry));
  if (chosen.length > 1) throw new ScimError(400, 'invalidValue', `More than one entry of '${path}' is marked primary`);
  if (chosen.length === 0) return entries;
  return entries.map((entry) => {
    if (!isPrimary(entry) || entry === chosen[0]) return entry;
    const copy = { ...entry };
    deleteIgnoringCase(copy, 'primary');
    return copy;
  });
}
