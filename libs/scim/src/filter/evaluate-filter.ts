/**
 * In-memory filter evaluation (RFC 7644 §3.4.2.2), used by PATCH value paths and by callers
 * that filter small result sets without a database.
 */
import { getIgnoringCase, isJsonObject, type JsonObject, type JsonValue } from '../common/json';
import { SchemaContext, type ResolvedAttribute } from '../schemas/schema-context';
import type { FilterExpression } from './ast';
import { compareValue } from './compare';
import { validateFilter, validateValueFilter } from './validate-filter';

/**
 * Tests `filter` against a resource (scope: its SchemaContext) or against one entry of a
 * multi-valued complex attribute (scope: that attribute, resolved). The filter is validated
 * first, so an unknown attribute is a 400 invalidFilter rather than a silent non-match.
 */
export function matchesFilter(resource: JsonObject, filter: FilterExpression, scope: SchemaContext | ResolvedAttribute): boolean {
  if (scope instanceof SchemaContext) return evaluate(resource, validateFilter(filter, scope), false);
  return evaluate(resource, validateValueFilter(filter, scope), true);
}

/** Evaluates an already validated (annotated) filter. */
export function evaluateAnnotatedFilter(target: JsonObject, filter: FilterExpression, elementScope: boolean): boolean {
  return evaluate(target, filter, elementScope);
}

function evaluate(target: JsonObject, node: FilterExpression, elementScope: boolean): boolean {
  switch (node.type) {
    case 'and':
      return evaluate(target, node.left, elementScope) && evaluate(target, node.right, elementScope);
    case 'or':
      return evaluate(target, node.left, elementScope) || evaluate(target, node.right, elementScope);
    case 'not':
      return !evaluate(target, node.expression, elementScope);
    case 'present':
      return valuesOf(target, requireAnnotation(node.attribute), elementScope).some(isPresent);
    case 'compare': {
      const resolved = requireAnnotation(node.attribute);
      const values = valuesOf(target, resolved, elementScope);
      // §3.4.2.2: a multi-valued attribute matches when any of its values matches.
      if (values.length === 0) return compareValue(resolved.definition, undefined, node.operator, node.value);
      return values.some((value) => compareValue(resolved.definition, value, node.operator, node.value));
    }
    case 'valuePath': {
      const resolved = requireAnnotation(node.attribute);
      return valuesOf(target, resolved, false).some((entry) => isJsonObject(entry) && evaluate(entry, node.filter, true));
    }
  }
}

function requireAnnotation(resolved: ResolvedAttribute | undefined): ResolvedAttribute {
  if (resolved === undefined) throw new Error('Filter must be validated before evaluation');
  return resolved;
}

function flatten(value: JsonValue | undefined): JsonValue[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** The stored values a resolved path addresses, multi-valued parents flattened. */
function valuesOf(target: JsonObject, resolved: ResolvedAttribute, elementScope: boolean): JsonValue[] {
  if (elementScope) {
    return resolved.subAttribute === undefined ? [] : flatten(getIgnoringCase(target, resolved.subAttribute.name));
  }
  const container = resolved.extension ? getIgnoringCase(target, resolved.schemaUrn) : target;
  if (!isJsonObject(container)) return [];
  const top = flatten(getIgnoringCase(container, resolved.attribute.name));
  if (resolved.subAttribute === undefined) return top;
  const subName = resolved.subAttribute.name;
  return top.flatMap((entry) => (isJsonObject(entry) ? flatten(getIgnoringCase(entry, subName)) : []));
}

/** "pr": a non-empty value, or a complex value with at least one non-empty part (§3.4.2.2). */
function isPresent(value: JsonValue): boolean {
  if (value === null || value === '') return false;
  if (Array.isArray(value)) return value.some(isPresent);
  if (isJsonObject(value)) return Object.values(value).some(isPresent);
  return true;
}
