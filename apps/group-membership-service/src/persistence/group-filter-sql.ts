/**
 * Translates a validated Group filter (RFC 7644 §3.4.2.2) into a parameterised SQL condition on
 * `groups g`. Group attributes all have columns, and members live in `memberships`:
 *
 *   displayName eq "x"                 → lower(g.display_name) = lower($n)   (not caseExact)
 *   externalId eq "x"                  → g.external_id = $n                  (caseExact)
 *   id eq "g"                          → g.id = $n::uuid                     (primary key)
 *   members[value eq "u"], members.value eq "u"
 *                                      → EXISTS (memberships primary key lookup)
 *   meta.created / meta.lastModified   → timestamptz comparisons
 *
 * Entra's membership check `id eq "g" and members[value eq "u"]` is two index lookups.
 * Anything else (member display, nested value-path logic) is refused as invalidFilter.
 */
import { orTerms, ScimError, type CompareOperator, type ComparisonValue, type FilterExpression, type ResolvedAttribute, type SortSpec } from '@app/scim';
import { escapeLike, isUuid, SqlParams } from '@app/persistence';

const SQL_OPERATOR: Record<'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le', string> = { eq: '=', ne: '<>', gt: '>', ge: '>=', lt: '<', le: '<=' };

interface Column {
  sql: string;
  kind: 'text' | 'uuid' | 'timestamptz';
  caseExact: boolean;
  nullable: boolean;
}

const COLUMNS: Record<string, Column> = {
  displayname: { sql: 'g.display_name', kind: 'text', caseExact: false, nullable: false },
  externalid: { sql: 'g.external_id', kind: 'text', caseExact: true, nullable: true },
  id: { sql: 'g.id', kind: 'uuid', caseExact: true, nullable: false },
  'meta.created': { sql: 'g.created_at', kind: 'timestamptz', caseExact: true, nullable: false },
  'meta.lastmodified': { sql: 'g.last_modified', kind: 'timestamptz', caseExact: true, nullable: false },
};

/**
 * ORDER BY for sortBy / sortOrder (RFC 7644 §3.4.2.3) over the group's own columns, the id
 * breaking ties so pages never overlap. Without sortBy: creation order. Sorting by `members`
 * (multi-valued, no primary) is refused.
 */
export function groupSortToSql(sort: SortSpec | undefined): string {
  if (sort === undefined) return 'g.created_at ASC, g.id ASC';
  const name = sort.attribute.attribute.name + (sort.attribute.subAttribute ? `.${sort.attribute.subAttribute.name}` : '');
  const column = COLUMNS[name.toLowerCase()];
  if (!column) throw new ScimError(400, 'invalidValue', `Groups cannot be sorted by "${name}"`);
  const expression = column.kind === 'text' && !column.caseExact ? `lower(${column.sql})` : column.sql;
  return `${expression} ${sort.order === 'descending' ? 'DESC' : 'ASC'} NULLS LAST, g.id ASC`;
}

export function groupFilterToSql(filter: FilterExpression, params: SqlParams): string {
  switch (filter.type) {
    case 'and':
      return `(${groupFilterToSql(filter.left, params)} AND ${groupFilterToSql(filter.right, params)})`;
    case 'or':
      return orChain(filter, params);
    case 'not':
      return `(NOT ${groupFilterToSql(filter.expression, params)})`;
    case 'present': {
      const path = pathOf(filter.attribute);
      if (path === 'members' || path === 'members.value') return membersExist();
      const column = columnOf(path);
      return column.nullable ? `(${column.sql} IS NOT NULL AND ${column.sql}::text <> '')` : 'TRUE';
    }
    case 'compare': {
      const path = pathOf(filter.attribute);
      if (path === 'members' || path === 'members.value') return memberCompare(filter.operator, filter.value, params);
      return compareColumn(columnOf(path), filter.operator, filter.value, params);
    }
    case 'valuePath': {
      if (pathOf(filter.attribute) !== 'members') throw unsupported();
      const inner = filter.filter;
      if (inner.type !== 'compare' || (inner.attribute?.subAttribute ?? inner.attribute?.definition)?.name.toLowerCase() !== 'value') throw unsupported();
      return memberCompare(inner.operator, inner.value, params);
    }
  }
}

/**
 * An `or` chain with its member terms merged: `members[value eq "a"] or members[value eq "b"] or …`
 * is one probe for any of the ids (`m.member_id = ANY(…)`), not a subquery per term, so planning
 * and execution stay flat however many terms the filter limit lets through.
 */
function orChain(filter: FilterExpression & { type: 'or' }, params: SqlParams): string {
  const terms = orTerms(filter);
  const memberIds: string[] = [];
  const conditions: string[] = [];
  for (const term of terms) {
    const member = memberEquality(term);
    if (member === undefined) conditions.push(groupFilterToSql(term, params));
    else if (isUuid(member)) memberIds.push(member.toLowerCase());
  }
  if (memberIds.length === 1) conditions.push(membersExist(`= ${params.add(memberIds[0], 'uuid')}`));
  else if (memberIds.length > 1) conditions.push(membersExist(`= ANY(${params.add([...new Set(memberIds)], 'uuid[]')})`));
  return conditions.length === 0 ? 'FALSE' : `(${conditions.join(' OR ')})`;
}

/** The member id of `members[value eq "u"]`, `members.value eq "u"` or `members eq "u"`; undefined for any other term. */
function memberEquality(term: FilterExpression): string | undefined {
  if (term.type === 'compare') {
    const path = pathOf(term.attribute);
    if (path !== 'members' && path !== 'members.value') return undefined;
    return memberValue(term.operator, term.value);
  }
  if (term.type !== 'valuePath' || pathOf(term.attribute) !== 'members') return undefined;
  const inner = term.filter;
  if (inner.type !== 'compare' || (inner.attribute?.subAttribute ?? inner.attribute?.definition)?.name.toLowerCase() !== 'value') throw unsupported();
  return memberValue(inner.operator, inner.value);
}

function memberValue(op: CompareOperator, value: ComparisonValue): string {
  if (op !== 'eq' || typeof value !== 'string') throw new ScimError(400, 'invalidFilter', 'Members can only be filtered with members[value eq "id"]');
  return value;
}

/** `members[value eq "u"]`: a primary-key probe on memberships for this group. */
function memberCompare(op: CompareOperator, value: ComparisonValue, params: SqlParams): string {
  const id = memberValue(op, value);
  if (!isUuid(id)) return 'FALSE';
  return membersExist(`= ${params.add(id.toLowerCase(), 'uuid')}`);
}

/** Members of the group; with `memberMatch` (`= $n::uuid`, `= ANY($n::uuid[])`), only those ids. */
function membersExist(memberMatch?: string): string {
  const member = memberMatch === undefined ? '' : ` AND m.member_id ${memberMatch}`;
  return `EXISTS (SELECT 1 FROM memberships m WHERE m.tenant_id = g.tenant_id AND m.group_id = g.id${member})`;
}

function compareColumn(column: Column, op: CompareOperator, value: ComparisonValue, params: SqlParams): string {
  if (value === null) {
    if (op === 'eq') return column.nullable ? `(${column.sql} IS NULL)` : 'FALSE';
    return column.nullable ? `(${column.sql} IS NOT NULL)` : 'TRUE';
  }
  let predicate: string;
  if (column.kind === 'uuid') {
    if ((op === 'eq' || op === 'ne') && isUuid(value)) predicate = `${column.sql} ${SQL_OPERATOR[op]} ${params.add(value, 'uuid')}`;
    else predicate = text(`${column.sql}::text`, false, op, value, params);
  } else if (column.kind === 'timestamptz' && !isSubstring(op)) {
    predicate = `${column.sql} ${SQL_OPERATOR[op as 'eq']} ${params.add(value, 'timestamptz')}`;
  } else {
    predicate = text(column.kind === 'text' ? column.sql : `${column.sql}::text`, column.caseExact, op, value, params);
  }
  if (!column.nullable) return predicate;
  return op === 'ne' ? `(${column.sql} IS NULL OR ${predicate})` : `(${column.sql} IS NOT NULL AND ${predicate})`;
}

function text(sql: string, caseExact: boolean, op: CompareOperator, value: Exclude<ComparisonValue, null>, params: SqlParams): string {
  const fold = (s: string) => (caseExact ? s : `lower(${s})`);
  if (isSubstring(op)) {
    const literal = escapeLike(String(value));
    const pattern = op === 'co' ? `%${literal}%` : op === 'sw' ? `${literal}%` : `%${literal}`;
    return `${fold(sql)} LIKE ${fold(params.add(pattern, 'text'))}`;
  }
  return `${fold(sql)} ${SQL_OPERATOR[op]} ${fold(params.add(String(value), 'text'))}`;
}

function isSubstring(op: CompareOperator): op is 'co' | 'sw' | 'ew' {
  return op === 'co' || op === 'sw' || op === 'ew';
}

function pathOf(resolved: ResolvedAttribute | undefined): string {
  if (resolved === undefined) throw new Error('filter must be validated (validateFilter) before translation');
  return resolved.path.toLowerCase();
}

function columnOf(path: string): Column {
  const column = COLUMNS[path];
  if (column === undefined) throw unsupported();
  return column;
}

function unsupported(): ScimError {
  return new ScimError(400, 'invalidFilter', 'Groups can be filtered on id, externalId, displayName, meta.created, meta.lastModified and members[value eq "id"]');
}
