/**
 * What a request may hold, so that everything the gateway accepts the owning services can store
 * and decide (docs/security.md lists these limits). Postgres text and jsonb cannot hold U+0000,
 * and no UTF-8 store holds a lone UTF-16 surrogate; recursive code (filter evaluation and SQL,
 * PATCH, JSON walks) needs a bound on depth; and a filter's cost grows with its terms.
 */
import { ScimError, type ScimErrorType } from '../errors/scim-error';

export const SCIM_INPUT_LIMITS = {
  /** Comparisons (`attr op value`, `attr pr`) in one filter or PATCH path filter. */
  filterTerms: 100,
  /** Nesting of parentheses, `not (...)` and value paths `[...]` in one filter. */
  filterDepth: 10,
  /** Nesting of arrays and objects in a request body (the body itself is depth 1). */
  jsonDepth: 32,
  /** Operations in one PATCH request. */
  patchOperations: 1000,
  /** Member values in one Group request (POST, PUT, or all PATCH operations together). */
  membersPerRequest: 10_000,
} as const;

// With the `u` flag a well-formed surrogate pair is one code point, so \p{Cs} matches only a lone half.
const UNSTORABLE = /[\u0000\p{Cs}]/u;

/** Whether a string can be stored as text: no U+0000, no lone surrogate. */
export function isStorableText(text: string): boolean {
  return !UNSTORABLE.test(text);
}

/** Refuses text the stores cannot hold: 400 with `errorType`, naming where, never echoing the value. */
export function checkStorableText(text: string, where: string, errorType: ScimErrorType = 'invalidValue'): void {
  if (!isStorableText(text)) {
    throw new ScimError(400, errorType, `${where} contains a character that cannot be stored (U+0000 or an unpaired UTF-16 surrogate)`);
  }
}

/**
 * Walks a parsed JSON value without recursion: every string and member name must be storable
 * text, and nesting must stay within `maxDepth`. 400 invalidSyntax for depth, invalidValue for text.
 */
export function checkStorableJson(value: unknown, where = 'Request body', maxDepth: number = SCIM_INPUT_LIMITS.jsonDepth): void {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 1 }];
  while (stack.length > 0) {
    const { value: current, depth } = stack.pop()!;
    if (typeof current === 'string') {
      checkStorableText(current, where);
      continue;
    }
    if (typeof current !== 'object' || current === null) continue;
    if (depth > maxDepth) throw new ScimError(400, 'invalidSyntax', `${where} is nested deeper than ${maxDepth} levels`);
    if (Array.isArray(current)) {
      for (const item of current) stack.push({ value: item, depth: depth + 1 });
      continue;
    }
    for (const [key, item] of Object.entries(current)) {
      checkStorableText(key, `${where} (an attribute name)`);
      stack.push({ value: item, depth: depth + 1 });
    }
  }
}

/**
 * How many member values a Group request body names: `members` of a POST/PUT body, and of
 * every PATCH operation (a `members` path's value list, or `members` inside a path-less value).
 */
export function countMemberValues(body: unknown): number {
  if (!isObject(body)) return 0;
  const lengthOf = (value: unknown): number => (Array.isArray(value) ? value.length : value === undefined || value === null ? 0 : 1);
  let count = lengthOf(memberOf(body, 'members'));
  const operations = memberOf(body, 'Operations');
  if (!Array.isArray(operations)) return count;
  for (const operation of operations) {
    if (!isObject(operation)) continue;
    const path = memberOf(operation, 'path');
    const value = memberOf(operation, 'value');
    if (typeof path === 'string' && /^(?:urn:[^\s[]*:)?members(?:\[|$)/i.test(path.trim())) count += lengthOf(value);
    else if ((path === undefined || path === null || path === '') && isObject(value)) count += lengthOf(memberOf(value, 'members'));
  }
  return count;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function memberOf(object: Record<string, unknown>, name: string): unknown {
  const key = Object.keys(object).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : object[key];
}
