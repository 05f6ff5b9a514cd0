/**
 * Query parameters of a list/search request (RFC 7644 §3.4.2, §3.4.3) parsed in one go.
 */
import type { FilterExpression } from '../filter/ast';
import { parseFilter } from '../filter/parser';
import { validateFilter } from '../filter/validate-filter';
import type { SchemaContext } from '../schemas/schema-context';
import { parsePagination, type PaginationOptions } from './pagination';
import { parseAttributeList } from './projection';
import { parseSort, type SortSpec } from './sorting';

export interface ListQuery {
  /** Validated and annotated filter, when one was given. */
  readonly filter?: FilterExpression;
  readonly startIndex: number;
  readonly count: number;
  readonly sort?: SortSpec;
  readonly attributes: string[];
  readonly excludedAttributes: string[];
}

export type QueryParams = Readonly<Record<string, string | readonly string[] | undefined>>;

/** Reads a parameter ignoring the case of its name; a repeated parameter uses its first value. */
function param(query: QueryParams, name: string): string | undefined {
  const key = Object.keys(query).find((k) => k.toLowerCase() === name.toLowerCase());
  const value = key === undefined ? undefined : query[key];
  return typeof value === 'string' ? value : value?.[0];
}

export function parseListQuery(query: QueryParams, context: SchemaContext, options: PaginationOptions): ListQuery {
  const filterText = param(query, 'filter');
  const filter = filterText !== undefined ? validateFilter(parseFilter(filterText), context) : undefined;
  const startIndex = param(query, 'startIndex');
  const count = param(query, 'count');
  const page = parsePagination({ ...(startIndex !== undefined ? { startIndex } : {}), ...(count !== undefined ? { count } : {}) }, options);
  const sortBy = param(query, 'sortBy');
  const sortOrder = param(query, 'sortOrder');
  const sort = parseSort({ ...(sortBy !== undefined ? { sortBy } : {}), ...(sortOrder !== undefined ? { sortOrder } : {}) }, context);
  return {
    ...(filter !== undefined ? { filter } : {}),
    startIndex: page.startIndex,
    count: page.count,
    ...(sort !== undefined ? { sort } : {}),
    attributes: parseAttributeList(param(query, 'attributes')),
    excludedAttributes: parseAttributeList(param(query, 'excludedAttributes')),
  };
}
