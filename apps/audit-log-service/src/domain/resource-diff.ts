import type { AttributeDifference } from '@app/contracts';

/** Attributes that change with every write and say nothing about what the client changed. */
const IGNORED_TOP_LEVEL = new Set(['meta', 'schemas']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Flattens a SCIM resource to attribute paths: complex attributes by sub-attribute
 * (`name.givenName`, `urn:…:enterprise:2.0:User.manager.value`), multi-valued ones as a
 * whole value at their path (`emails`), since their members have no stable identity.
 */
export function flattenResource(resource: Record<string, unknown>): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const walk = (value: unknown, path: string) => {
    if (isObject(value)) {
      const keys = Object.keys(value);
      if (keys.length === 0) out.set(path, value);
      for (const key of keys) walk(value[key], `${path}.${key}`);
    } else {
      out.set(path, value);
    }
  };
  for (const [key, value] of Object.entries(resource)) {
    if (IGNORED_TOP_LEVEL.has(key)) continue;
    // An extension's attributes are `urn:…:User:department` (RFC 7644 §3.10); sub-attributes `.`.
    if (/^urn:/i.test(key) && isObject(value) && Object.keys(value).length > 0) {
      for (const [attribute, v] of Object.entries(value)) walk(v, `${key}:${attribute}`);
    } else {
      walk(value, key);
    }
  }
  return out;
}

/**
 * Equal as SCIM values: object keys in any order (Postgres jsonb reorders them), multi-valued
 * attributes in any order (RFC 7643 §2.4: they are unordered).
 */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).sort().join(',')}]`;
  if (isObject(value))
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

/** Before/after per attribute path between two states of a resource; `before` undefined means it did not exist. */
export function differencesBetween(before: Record<string, unknown> | undefined, after: Record<string, unknown> | undefined): AttributeDifference[] {
  const old = before ? flattenResource(before) : new Map<string, unknown>();
  const next = after ? flattenResource(after) : new Map<string, unknown>();
  const out: AttributeDifference[] = [];
  for (const [path, value] of next) {
    if (!old.has(path)) out.push({ path, op: 'added', before: null, after: value });
    else if (!same(old.get(path), value)) out.push({ path, op: 'changed', before: old.get(path), after: value });
  }
  for (const [path, value] of old) if (!next.has(path)) out.push({ path, op: 'removed', before: value, after: null });
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * Differences of an update whose previous state the log never saw (it started after the
 * resource was created, or the state was pruned): only the attributes the event says changed,
 * with their new values; `before` is unknown and given as null.
 */
export function differencesWithoutHistory(after: Record<string, unknown>, changedAttributes: readonly string[]): AttributeDifference[] {
  const flat = flattenResource(after);
  const out: AttributeDifference[] = [];
  for (const attribute of changedAttributes) {
    const matching = [...flat.entries()].filter(([path]) => path === attribute || path.startsWith(`${attribute}.`));
    if (matching.length === 0) out.push({ path: attribute, op: 'removed', before: null, after: null });
    for (const [path, value] of matching) out.push({ path, op: 'changed', before: null, after: value });
  }
  return out;
}
