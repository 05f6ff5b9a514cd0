/**
 * ORDER BY for sortBy / sortOrder (RFC 7644 §3.4.2.3): strings sort ignoring case unless
 * caseExact, a multi-valued attribute sorts by its primary value (else its first), users
 * without a value come last either way, and the id breaks ties so pages never overlap.
 */
import type { AttributeDefinition, ResolvedAttribute, SortSpec } from '@app/scim';
import { arrayElements, attributeJson, columnOf } from './user-columns';
import { sqlLiteral } from '@app/persistence';

/** Without sortBy: the primary key order, stable and served by the index. */
export const DEFAULT_ORDER = 'u.id ASC';

export function sortToSql(sort: SortSpec | undefined): string {
  if (sort === undefined) return DEFAULT_ORDER;
  const direction = sort.order === 'descending' ? 'DESC' : 'ASC';
  return `${sortExpression(sort.attribute)} ${direction} NULLS LAST, ${DEFAULT_ORDER}`;
}

function sortExpression(resolved: ResolvedAttribute): string {
  const column = columnOf(resolved);
  if (column) return column.type === 'text' && !resolved.definition.caseExact ? `lower(${column.sql})` : column.sql;
  const top = attributeJson(resolved);
  const sub = resolved.subAttribute;
  if (!resolved.attribute.multiValued) return typed(sub ? `${top} -> ${sqlLiteral(sub.name)}` : top, resolved.definition);
  const value = sub ? `s.v -> ${sqlLiteral(sub.name)}` : 's.v';
  return `(SELECT ${typed(value, resolved.definition)} FROM ${arrayElements(top, 's', true)}
    ORDER BY (s.v -> 'primary') = 'true'::jsonb DESC NULLS LAST, s.n LIMIT 1)`;
}

/** A jsonb value as the SQL type its attribute type sorts by. */
function typed(json: string, def: AttributeDefinition): string {
  switch (def.type) {
    case 'integer':
    case 'decimal':
      return `CASE WHEN jsonb_typeof(${json}) = 'number' THEN (${json})::numeric END`;
    case 'dateTime':
      return `CASE WHEN jsonb_typeof(${json}) = 'string' THEN (${json} #>> '{}')::timestamptz END`;
    case 'boolean':
      return `CASE WHEN jsonb_typeof(${json}) = 'boolean' THEN (${json})::boolean END`;
    default:
      return def.caseExact ? `(${json} #>> '{}')` : `lower(${json} #>> '{}')`;
  }
}
