/**
 * Translates a validated SCIM filter (RFC 7644 §3.4.2.2) into a parameterised SQL condition on
 * `users u`, with the semantics of the library's in-memory evaluator (matchesFilter):
 *
 * - strings compare ignoring case unless the attribute is caseExact (lower() on both sides);
 *   dateTime compares as instants, numbers numerically, booleans for equality only;
 * - an absent attribute is null: `eq null` and `ne "x"` match it, every other operator does not;
 * - a multi-valued attribute matches when any of its values does (`emails.value co "x"`), and
 *   a value path `emails[type eq "work" and value co "x"]` needs one entry to match all of it;
 * - `pr` means a non-empty value.
 *
 * Every condition produced is two-valued (never SQL NULL), so `not (...)` negates exactly.
 * Attributes with their own column (userName, externalId, id, meta.created, ...) are compared on
 * the column, in the shape their indexes serve: `lower(u.user_name) = lower($2)`.
 */
import { isUuid } from '@app/persistence';
import { orTerms, type AttributeDefinition, type CompareOperator, type ComparisonValue, type FilterExpression, type ResolvedAttribute } from '@app/scim';
import { arrayElements, attributeJson, columnOf, UserColumn } from './user-columns';
import { escapeLike, SqlParams, sqlLiteral } from '@app/persistence';

type Scope = { kind: 'resource' } | { kind: 'element'; json: string };

/** A single jsonb value, or the values of a multi-valued attribute's entries. */
type Source = { kind: 'column'; column: UserColumn } | { kind: 'json'; json: string } | { kind: 'elements'; arrayJson: string; valueOf: (element: string) => string };

const SQL_OPERATOR: Record<'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le', string> = { eq: '=', ne: '<>', gt: '>', ge: '>=', lt: '<', le: '<=' };
const EMPTY_JSON = `('""'::jsonb, '[]'::jsonb, '{}'::jsonb, 'null'::jsonb)`;

/** The condition for `filter`, adding its values to `params`. */
export function filterToSql(filter: FilterExpression, params: SqlParams): string {
  return new FilterTranslator(params).translate(filter, { kind: 'resource' });
}

class FilterTranslator {
  private aliases = 0;

  constructor(private readonly params: SqlParams) {}

  translate(node: FilterExpression, scope: Scope): string {
    switch (node.type) {
      case 'and':
        return `(${this.translate(node.left, scope)} AND ${this.translate(node.right, scope)})`;
      case 'or':
        return this.or(node, scope);
      case 'not':
        return `(NOT ${this.translate(node.expression, scope)})`;
      case 'present':
        return this.present(sourceOf(annotated(node.attribute), scope));
      case 'compare': {
        const resolved = annotated(node.attribute);
        let source = sourceOf(resolved, scope);
        // Substrings of a dateTime are substrings of its text as stored (meta.created co "2026-").
        if (source.kind === 'column' && source.column.type === 'timestamptz' && isSubstring(node.operator)) source = jsonSourceOf(resolved);
        return this.compare(source, resolved.definition, node.operator, node.value);
      }
      case 'valuePath':
        return this.valuePath(annotated(node.attribute), node.filter);
    }
  }

  /**
   * An `or` chain, with the value paths on one multi-valued attribute merged into one EXISTS:
   * `emails[value eq "a"] or emails[value eq "b"]` is one scan of the entries for either, not a
   * subquery per term (EXISTS e: A or EXISTS e: B is EXISTS e: A or B), so planning and execution
   * grow linearly with the terms.
   */
  private or(node: FilterExpression & { type: 'or' }, scope: Scope): string {
    const terms = orTerms(node);
    const byAttribute = new Map<string, { parent: ResolvedAttribute; inner: FilterExpression[] }>();
    const conditions: string[] = [];
    for (const term of terms) {
      const parent = term.type === 'valuePath' ? annotated(term.attribute) : undefined;
      if (term.type !== 'valuePath' || !parent?.attribute.multiValued) {
        conditions.push(this.translate(term, scope));
        continue;
      }
      const key = attributeJson(parent);
      const group = byAttribute.get(key) ?? { parent, inner: [] };
      group.inner.push(term.filter);
      byAttribute.set(key, group);
    }
    for (const { parent, inner } of byAttribute.values()) conditions.push(this.multiValuedPath(parent, inner));
    return `(${conditions.join(' OR ')})`;
  }

  /** `emails[type eq "work"]`: one entry satisfies the whole inner filter. */
  private valuePath(parent: ResolvedAttribute, inner: FilterExpression): string {
    if (!parent.attribute.multiValued) {
      // A single-valued complex attribute is its one entry (`name[givenName eq "x"]`).
      const json = attributeJson(parent);
      return `(COALESCE(jsonb_typeof(${json}), '') = 'object' AND ${this.translate(inner, { kind: 'element', json })})`;
    }
    return this.multiValuedPath(parent, [inner]);
  }

  /** One entry of a multi-valued attribute satisfies one of the inner filters. */
  private multiValuedPath(parent: ResolvedAttribute, inner: FilterExpression[]): string {
    const json = attributeJson(parent);
    const alias = this.alias();
    const conditions = inner.map((f) => this.translate(f, { kind: 'element', json: `${alias}.v` }));
    const condition = conditions.length === 1 ? conditions[0] : `(${conditions.join(' OR ')})`;
    return `EXISTS (SELECT 1 FROM ${arrayElements(json, alias)} WHERE jsonb_typeof(${alias}.v) = 'object' AND ${condition})`;
  }

  private present(source: Source): string {
    switch (source.kind) {
      case 'column': {
        const { sql, type, nullable } = source.column;
        if (type === 'text') return nullable ? `(${sql} IS NOT NULL AND ${sql} <> '')` : `(${sql} <> '')`;
        return nullable ? `(${sql} IS NOT NULL)` : 'TRUE';
      }
      case 'json':
        return `(${source.json} IS NOT NULL AND ${source.json} NOT IN ${EMPTY_JSON})`;
      case 'elements': {
        const alias = this.alias();
        const value = source.valueOf(`${alias}.v`);
        return `EXISTS (SELECT 1 FROM ${arrayElements(source.arrayJson, alias)} WHERE ${value} IS NOT NULL AND ${value} NOT IN ${EMPTY_JSON})`;
      }
    }
  }

  private compare(source: Source, def: AttributeDefinition, op: CompareOperator, value: ComparisonValue): string {
    if (source.kind === 'column') return this.compareColumn(source.column, def, op, value);
    if (source.kind === 'json') {
      const x = source.json;
      if (value === null) return op === 'eq' ? `(${x} IS NULL)` : `(${x} IS NOT NULL)`;
      const predicate = this.jsonPredicate(x, def, op, value);
      return op === 'ne' ? `(${x} IS NULL OR ${predicate})` : `(${x} IS NOT NULL AND ${predicate})`;
    }
    // Any value of the attribute matches; with no value at all it behaves as absent (null).
    const alias = this.alias();
    const from = arrayElements(source.arrayJson, alias);
    const x = source.valueOf(`${alias}.v`);
    const hasValue = `EXISTS (SELECT 1 FROM ${from} WHERE ${x} IS NOT NULL)`;
    if (value === null) return op === 'eq' ? `(NOT ${hasValue})` : hasValue;
    const matching = `EXISTS (SELECT 1 FROM ${from} WHERE ${x} IS NOT NULL AND ${this.jsonPredicate(x, def, op, value)})`;
    return op === 'ne' ? `(${matching} OR NOT ${hasValue})` : matching;
  }

  private compareColumn(column: UserColumn, def: AttributeDefinition, op: CompareOperator, value: ComparisonValue): string {
    const { sql, nullable } = column;
    if (value === null) {
      if (op === 'eq') return nullable ? `(${sql} IS NULL)` : 'FALSE';
      return nullable ? `(${sql} IS NOT NULL)` : 'TRUE';
    }
    const predicate = this.columnPredicate(column, def, op, value);
    if (!nullable) return predicate;
    return op === 'ne' ? `(${sql} IS NULL OR ${predicate})` : `(${sql} IS NOT NULL AND ${predicate})`;
  }

  private columnPredicate(column: UserColumn, def: AttributeDefinition, op: CompareOperator, value: Exclude<ComparisonValue, null>): string {
    switch (column.type) {
      case 'boolean':
        return `${column.sql} ${SQL_OPERATOR[op as 'eq' | 'ne']} ${this.params.add(value, 'boolean')}`;
      case 'timestamptz':
        // Substring operators never get here (see translate): they compare the stored text.
        return `${column.sql} ${SQL_OPERATOR[op as keyof typeof SQL_OPERATOR]} ${this.params.add(value, 'timestamptz')}`;
      case 'uuid':
        // Equality on the key itself (an index lookup); anything else compares the text form.
        if ((op === 'eq' || op === 'ne') && isUuid(value)) return `${column.sql} ${SQL_OPERATOR[op]} ${this.params.add(value, 'uuid')}`;
        return this.text(`${column.sql}::text`, true, op, value);
      case 'text':
        return this.text(column.sql, def.caseExact, op, value);
    }
  }

  /** A condition on a non-null jsonb value `x`, by the attribute's type (RFC 7643 §2.3). */
  private jsonPredicate(x: string, def: AttributeDefinition, op: CompareOperator, value: Exclude<ComparisonValue, null>): string {
    const otherwise = op === 'ne' ? 'TRUE' : 'FALSE';
    switch (def.type) {
      case 'boolean':
        return `${x} ${SQL_OPERATOR[op as 'eq' | 'ne']} to_jsonb(${this.params.add(value, 'boolean')})`;
      case 'integer':
      case 'decimal':
        return `CASE WHEN jsonb_typeof(${x}) = 'number' THEN (${x})::numeric ${SQL_OPERATOR[op as 'eq']} ${this.params.add(value, 'numeric')} ELSE ${otherwise} END`;
      case 'dateTime':
        if (isSubstring(op)) return this.text(`(${x} #>> '{}')`, def.caseExact, op, value);
        return `CASE WHEN jsonb_typeof(${x}) = 'string' THEN (${x} #>> '{}')::timestamptz ${SQL_OPERATOR[op]} ${this.params.add(value, 'timestamptz')} ELSE ${otherwise} END`;
      case 'complex':
        throw new Error(`cannot compare complex attribute ${def.name}; validateFilter maps it to a sub-attribute`);
      default:
        return this.text(`(${x} #>> '{}')`, def.caseExact, op, value);
    }
  }

  /** String comparison: case-insensitive unless caseExact; co/sw/ew as LIKE with the value escaped. */
  private text(sql: string, caseExact: boolean, op: CompareOperator, value: Exclude<ComparisonValue, null>): string {
    const fold = (s: string) => (caseExact ? s : `lower(${s})`);
    if (isSubstring(op)) {
      const literal = escapeLike(String(value));
      const pattern = op === 'co' ? `%${literal}%` : op === 'sw' ? `${literal}%` : `%${literal}`;
      return `${fold(sql)} LIKE ${fold(this.params.add(pattern, 'text'))}`;
    }
    return `${fold(sql)} ${SQL_OPERATOR[op]} ${fold(this.params.add(String(value), 'text'))}`;
  }

  private alias(): string {
    this.aliases += 1;
    return `e${this.aliases}`;
  }
}

function sourceOf(resolved: ResolvedAttribute, scope: Scope): Source {
  if (scope.kind === 'element') {
    // Inside a value path every attribute is a sub-attribute of the entry.
    const sub = resolved.subAttribute ?? resolved.definition;
    const json = `${scope.json} -> ${sqlLiteral(sub.name)}`;
    return sub.multiValued ? { kind: 'elements', arrayJson: json, valueOf: (e) => e } : { kind: 'json', json };
  }
  const column = columnOf(resolved);
  return column ? { kind: 'column', column } : jsonSourceOf(resolved);
}

function jsonSourceOf(resolved: ResolvedAttribute): Source {
  const top = attributeJson(resolved);
  const sub = resolved.subAttribute;
  if (resolved.attribute.multiValued) {
    return { kind: 'elements', arrayJson: top, valueOf: (e) => (sub ? `${e} -> ${sqlLiteral(sub.name)}` : e) };
  }
  return { kind: 'json', json: sub ? `${top} -> ${sqlLiteral(sub.name)}` : top };
}

function annotated(resolved: ResolvedAttribute | undefined): ResolvedAttribute {
  if (resolved === undefined) throw new Error('filter must be validated (validateFilter) before translation');
  return resolved;
}

function isSubstring(op: CompareOperator): op is 'co' | 'sw' | 'ew' {
  return op === 'co' || op === 'sw' || op === 'ew';
}
