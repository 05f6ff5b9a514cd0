/**
 * Comparison semantics of RFC 7644 §3.4.2.2 (Table 3) for one attribute value: strings obey
 * the attribute's caseExact, dateTime compares chronologically, numbers numerically.
 */
import type { JsonValue } from '../common/json';
import type { AttributeDefinition } from '../schemas/attribute-definition';
import type { CompareOperator, ComparisonValue } from './ast';

function normaliseString(def: AttributeDefinition, text: string): string {
  return def.caseExact ? text : text.toLowerCase();
}

function order(operator: CompareOperator, diff: number): boolean {
  switch (operator) {
    case 'eq':
      return diff === 0;
    case 'ne':
      return diff !== 0;
    case 'gt':
      return diff > 0;
    case 'ge':
      return diff >= 0;
    case 'lt':
      return diff < 0;
    case 'le':
      return diff <= 0;
    default:
      return false;
  }
}

function asBoolean(value: JsonValue): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  return undefined;
}

/**
 * Compares one stored value with a filter literal. An absent value behaves as null, so
 * `title eq null` matches a user without a title and `type ne "work"` matches an entry
 * without a type.
 */
export function compareValue(def: AttributeDefinition, actual: JsonValue | undefined, operator: CompareOperator, expected: ComparisonValue): boolean {
  const actualMissing = actual === undefined || actual === null;
  if (actualMissing || expected === null) {
    const bothNull = actualMissing && expected === null;
    if (operator === 'eq') return bothNull;
    if (operator === 'ne') return !bothNull;
    return false;
  }
  const eqOnly = (same: boolean): boolean => (operator === 'eq' ? same : operator === 'ne' ? !same : false);
  switch (def.type) {
    case 'boolean': {
      const a = asBoolean(actual);
      return eqOnly(a !== undefined && a === expected);
    }
    case 'integer':
    case 'decimal':
      if (typeof actual !== 'number' || typeof expected !== 'number') return operator === 'ne';
      return order(operator, actual - expected);
    case 'dateTime':
      if (typeof actual !== 'string' || typeof expected !== 'string') return operator === 'ne';
      if (operator === 'co' || operator === 'sw' || operator === 'ew') return substring(def, operator, actual, expected);
      {
        const a = Date.parse(actual);
        const b = Date.parse(expected);
        if (Number.isNaN(a) || Number.isNaN(b)) return operator === 'ne';
        return order(operator, a - b);
      }
    case 'complex':
      return operator === 'ne';
    default: {
      if (typeof actual !== 'string' || typeof expected !== 'string') return operator === 'ne';
      if (operator === 'co' || operator === 'sw' || operator === 'ew') return substring(def, operator, actual, expected);
      const a = normaliseString(def, actual);
      const b = normaliseString(def, expected);
      return order(operator, a < b ? -1 : a > b ? 1 : 0);
    }
  }
}

function substring(def: AttributeDefinition, operator: 'co' | 'sw' | 'ew', actual: string, expected: string): boolean {
  const a = normaliseString(def, actual);
  const b = normaliseString(def, expected);
  if (operator === 'co') return a.includes(b);
  if (operator === 'sw') return a.startsWith(b);
  return a.endsWith(b);
}

/** Equality of two stored values of one attribute, honouring caseExact (used to match entries). */
export function sameValue(def: AttributeDefinition, a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === undefined || a === null || b === undefined || b === null) return (a ?? null) === (b ?? null);
  if (typeof b === 'string' || typeof b === 'number' || typeof b === 'boolean') return compareValue(def, a, 'eq', b);
  return false;
}
