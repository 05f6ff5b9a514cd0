/**
 * Filter syntax tree, RFC 7644 §3.4.2.2.
 *
 * Nodes carry the path as written; validateFilter() returns a copy whose comparisons carry
 * `attribute`, the resolved schema definition (type, caseExact, ...).
 */
import type { AttributePath } from '../paths/attribute-path';
import type { ResolvedAttribute } from '../schemas/schema-context';

export const COMPARE_OPERATORS = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'] as const;
export type CompareOperator = (typeof COMPARE_OPERATORS)[number];
export type ComparisonValue = string | number | boolean | null;

export interface CompareExpression {
  readonly type: 'compare';
  readonly path: AttributePath;
  readonly operator: CompareOperator;
  readonly value: ComparisonValue;
  /** Set by validateFilter. For a multi-valued complex path ("emails co x") it is the "value" sub-attribute. */
  readonly attribute?: ResolvedAttribute;
}

export interface PresentExpression {
  readonly type: 'present';
  readonly path: AttributePath;
  readonly attribute?: ResolvedAttribute;
}

export interface AndExpression {
  readonly type: 'and';
  readonly left: FilterExpression;
  readonly right: FilterExpression;
}

export interface OrExpression {
  readonly type: 'or';
  readonly left: FilterExpression;
  readonly right: FilterExpression;
}

export interface NotExpression {
  readonly type: 'not';
  readonly expression: FilterExpression;
}

/** attrPath "[" valFilter "]": paths inside `filter` are relative to the parent attribute. */
export interface ValuePathExpression {
  readonly type: 'valuePath';
  readonly path: AttributePath;
  readonly filter: FilterExpression;
  readonly attribute?: ResolvedAttribute;
}

export type FilterExpression = CompareExpression | PresentExpression | AndExpression | OrExpression | NotExpression | ValuePathExpression;

export function isCompareOperator(text: string): text is CompareOperator {
  return (COMPARE_OPERATORS as readonly string[]).includes(text);
}

/**
 * The terms of an `or` chain, left to right, however it nests (`a or (b or c)` and `(a or b) or c`
 * alike), without recursion: a chain as long as the filter limits allow never deepens the stack.
 */
export function orTerms(expression: FilterExpression): FilterExpression[] {
  const terms: FilterExpression[] = [];
  for (const pending: FilterExpression[] = [expression]; pending.length > 0;) {
    const next = pending.pop()!;
    if (next.type === 'or') pending.push(next.right, next.left);
    else terms.push(next);
  }
  return terms;
}
