/**
 * Checks a parsed filter against the schema and annotates every attribute expression with
 * its resolved definition, so evaluators and SQL translators know type and caseExact.
 */
import { ScimError, type ScimErrorType } from '../errors/scim-error';
import { formatAttributePath, type AttributePath } from '../paths/attribute-path';
import { findSubAttribute } from '../schemas/attribute-definition';
import { resolveSubAttribute, type ResolvedAttribute, type SchemaContext } from '../schemas/schema-context';
import { isStorableText } from '../limits/input-limits';
import type { CompareExpression, CompareOperator, ComparisonValue, FilterExpression } from './ast';

/** Where paths resolve: the resource's attributes, or the sub-attributes of one complex attribute. */
type Scope = { readonly context: SchemaContext } | { readonly parent: ResolvedAttribute };

const ORDERING: readonly CompareOperator[] = ['gt', 'ge', 'lt', 'le'];
const SUBSTRING: readonly CompareOperator[] = ['co', 'sw', 'ew'];

/** Validates a resource-level filter (the "filter" parameter). Errors are 400 invalidFilter. */
export function validateFilter(filter: FilterExpression, context: SchemaContext): FilterExpression {
  return annotate(filter, { context }, 'invalidFilter');
}

/**
 * Validates the filter inside a value path (`emails[type eq "work"]`) whose paths are
 * sub-attributes of `parent`. PATCH passes 'invalidPath' as the error type.
 */
export function validateValueFilter(filter: FilterExpression, parent: ResolvedAttribute, errorType: ScimErrorType = 'invalidFilter'): FilterExpression {
  return annotate(filter, { parent }, errorType);
}

function annotate(node: FilterExpression, scope: Scope, errorType: ScimErrorType): FilterExpression {
  const fail = (why: string): never => {
    throw new ScimError(400, errorType, why);
  };
  switch (node.type) {
    case 'and':
    case 'or':
      return { type: node.type, left: annotate(node.left, scope, errorType), right: annotate(node.right, scope, errorType) };
    case 'not':
      return { type: 'not', expression: annotate(node.expression, scope, errorType) };
    case 'present':
      return { ...node, attribute: resolveIn(scope, node.path, fail) };
    case 'compare':
      return checkCompare(node, resolveIn(scope, node.path, fail), fail);
    case 'valuePath': {
      const parent = resolveIn(scope, node.path, fail);
      if (parent.definition.type !== 'complex' || parent.subAttribute !== undefined) {
        fail(`Value filter on '${formatAttributePath(node.path)}' requires a complex attribute`);
      }
      return { ...node, attribute: parent, filter: annotate(node.filter, { parent }, errorType) };
    }
  }
}

function resolveIn(scope: Scope, path: AttributePath, fail: (why: string) => never): ResolvedAttribute {
  let resolved: ResolvedAttribute | undefined;
  if ('context' in scope) {
    resolved = scope.context.resolve(path);
  } else if (path.uri === undefined && path.subAttribute === undefined) {
    resolved = resolveSubAttribute(scope.parent, path.attribute);
  }
  if (resolved === undefined) {
    const where = 'parent' in scope ? ` of '${scope.parent.path}'` : '';
    return fail(`Unknown attribute '${formatAttributePath(path)}'${where} in filter`);
  }
  return resolved;
}

function checkCompare(node: CompareExpression, resolved: ResolvedAttribute, fail: (why: string) => never): CompareExpression {
  const { operator } = node;
  let target = resolved;
  if (resolved.definition.type === 'complex') {
    if (ORDERING.includes(operator)) fail(`Operator '${operator}' cannot be applied to complex attribute '${resolved.path}'`);
    // RFC 7644 §3.4.2.2's own example `emails co "example.com"`: a multi-valued complex
    // attribute compared directly means its "value" sub-attribute.
    const valueSub = findSubAttribute(resolved.definition, 'value');
    const implied = valueSub && resolved.subAttribute === undefined ? resolveSubAttribute(resolved, valueSub.name) : undefined;
    if (implied === undefined) return fail(`Complex attribute '${resolved.path}' needs a sub-attribute to compare`);
    target = implied;
  }
  const type = target.definition.type;
  if (ORDERING.includes(operator) && (type === 'boolean' || type === 'binary')) {
    fail(`Operator '${operator}' cannot be applied to ${type} attribute '${target.path}'`);
  }
  if (SUBSTRING.includes(operator) && (type === 'boolean' || type === 'integer' || type === 'decimal')) {
    fail(`Operator '${operator}' cannot be applied to ${type} attribute '${target.path}'`);
  }
  return { ...node, value: checkValue(target, operator, node.value, fail), attribute: target };
}

function checkValue(target: ResolvedAttribute, operator: CompareOperator, value: ComparisonValue, fail: (why: string) => never): ComparisonValue {
  const type = target.definition.type;
  const mismatch = (): never => fail(`Value ${JSON.stringify(value)} is not a valid ${type} for '${target.path}'`);
  if (value === null) {
    return operator === 'eq' || operator === 'ne' ? null : fail(`Operator '${operator}' cannot compare with null`);
  }
  if (typeof value === 'string' && !isStorableText(value)) fail(`A value for '${target.path}' contains a character that cannot be stored (U+0000 or an unpaired UTF-16 surrogate)`);
  switch (type) {
    case 'boolean':
      if (typeof value === 'boolean') return value;
      // Entra's default role mapping is `roles[primary eq "True"].value`.
      if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
      return mismatch();
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value) ? value : mismatch();
    case 'decimal':
      return typeof value === 'number' ? value : mismatch();
    case 'dateTime':
      if (SUBSTRING.includes(operator)) return typeof value === 'string' ? value : mismatch();
      return typeof value === 'string' && isXsdDateTime(value) ? value : mismatch();
    default:
      return typeof value === 'string' ? value : mismatch();
  }
}

// xsd:dateTime as RFC 7643 §2.3.5 uses it, with a zone (the stores compare instants): years 0001-9999.
const XSD_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:Z|[+-](\d{2}):(\d{2}))$/;

/**
 * Whether a filter value is a real instant that every store reads the same way. Date.parse is
 * not the test: it takes "0", "2026-02-30" (rolled over to March) and years past 9999, which
 * Postgres refuses.
 */
export function isXsdDateTime(text: string): boolean {
  const m = XSD_DATE_TIME.exec(text);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (year < 1 || month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return false;
  if (m[7] !== undefined && (Number(m[7]) > 23 || Number(m[8]) > 59)) return false;
  const daysInMonth = new Date(Date.UTC(2000, month, 0)).getUTCDate() - (month === 2 && !isLeap(year) ? 1 : 0);
  return day >= 1 && day <= daysInMonth;
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}
