/** Builders shared by the specs; keep expected values literal and exact. */
import { ScimError, SchemaRegistry, type AttributePath, type CompareOperator, type ComparisonValue, type FilterExpression, type ScimErrorType } from '@app/scim';

export const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const GEN = 'urn:ietf:params:scim:schemas:extension:genesys:purecloud:2.0:User';
export const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const CORE_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';

export const registry = SchemaRegistry.createDefault();
export const userContext = registry.context('User');
export const groupContext = registry.context('Group');

export function path(attribute: string, subAttribute?: string, uri?: string): AttributePath {
  return {
    ...(uri !== undefined ? { uri } : {}),
    attribute,
    ...(subAttribute !== undefined ? { subAttribute } : {}),
  };
}

export function cmp(p: AttributePath, operator: CompareOperator, value: ComparisonValue): FilterExpression {
  return { type: 'compare', path: p, operator, value };
}
export function pr(p: AttributePath): FilterExpression {
  return { type: 'present', path: p };
}
export function and(left: FilterExpression, right: FilterExpression): FilterExpression {
  return { type: 'and', left, right };
}
export function or(left: FilterExpression, right: FilterExpression): FilterExpression {
  return { type: 'or', left, right };
}
export function not(expression: FilterExpression): FilterExpression {
  return { type: 'not', expression };
}
export function vp(p: AttributePath, filter: FilterExpression): FilterExpression {
  return { type: 'valuePath', path: p, filter };
}

/** Runs `fn` and returns the ScimError it throws (fails the test when it does not throw one). */
export function catchScimError(fn: () => unknown): ScimError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw error;
  }
  throw new Error('expected a ScimError to be thrown');
}

export interface ErrorExpectation {
  readonly status: number;
  readonly scimType: ScimErrorType | undefined;
  /** Substring the detail must contain. */
  readonly detail: string;
}

export function expectScimError(fn: () => unknown, expected: ErrorExpectation): void {
  const error = catchScimError(fn);
  expect({ status: error.status, scimType: error.scimType }).toEqual({ status: expected.status, scimType: expected.scimType });
  expect(error.detail).toContain(expected.detail);
}

/** Deep copy used to prove that inputs stay untouched. */
export function snapshot<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
