/**
 * Where an attribute of a stored user lives in SQL: the attributes copied into columns (so
 * lookups and sorts on them use indexes), otherwise its place in the `resource` JSON document
 * (core attributes at the top, extension attributes under their schema URN, RFC 7643 §3.3).
 */
import type { ResolvedAttribute } from '@app/scim';
import { sqlLiteral } from '@app/persistence';

export interface UserColumn {
  sql: string;
  type: 'text' | 'uuid' | 'boolean' | 'timestamptz';
  nullable: boolean;
}

const COLUMNS: Readonly<Record<string, UserColumn>> = {
  id: { sql: 'u.id', type: 'uuid', nullable: false },
  userName: { sql: 'u.user_name', type: 'text', nullable: false },
  externalId: { sql: 'u.external_id', type: 'text', nullable: true },
  displayName: { sql: 'u.display_name', type: 'text', nullable: true },
  active: { sql: 'u.active', type: 'boolean', nullable: true },
  'meta.created': { sql: 'u.created_at', type: 'timestamptz', nullable: false },
  'meta.lastModified': { sql: 'u.last_modified', type: 'timestamptz', nullable: false },
};

/** The column holding a core attribute, by its canonical path (`userName`, `meta.created`). */
export function columnOf(resolved: ResolvedAttribute): UserColumn | undefined {
  return resolved.extension ? undefined : COLUMNS[resolved.path];
}

/** jsonb expression of the top-level attribute in `u.resource`. */
export function attributeJson(resolved: ResolvedAttribute): string {
  const container = resolved.extension ? `u.resource -> ${sqlLiteral(resolved.schemaUrn)}` : 'u.resource';
  return `${container} -> ${sqlLiteral(resolved.attribute.name)}`;
}

/** The elements of a jsonb array as rows `alias(v)`; anything but an array has none. */
export function arrayElements(arrayJson: string, alias: string, withOrdinality = false): string {
  const rows = withOrdinality ? `${alias}(v, n)` : `${alias}(v)`;
  return `jsonb_array_elements(CASE WHEN jsonb_typeof(${arrayJson}) = 'array' THEN ${arrayJson} ELSE '[]'::jsonb END)${withOrdinality ? ' WITH ORDINALITY' : ''} AS ${rows}`;
}
