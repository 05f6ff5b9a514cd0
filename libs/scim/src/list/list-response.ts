/** ListResponse message, RFC 7644 §3.4.2. */
import { LIST_RESPONSE_SCHEMA } from '../schemas/urns';

export interface ListResponse<T> {
  readonly schemas: readonly [typeof LIST_RESPONSE_SCHEMA];
  readonly totalResults: number;
  readonly itemsPerPage: number;
  readonly startIndex: number;
  readonly Resources: readonly T[];
}

/** `resources` is the returned page; itemsPerPage is its size (§3.4.2.4). */
export function buildListResponse<T>(resources: readonly T[], page: { readonly totalResults: number; readonly startIndex: number }): ListResponse<T> {
  return {
    schemas: [LIST_RESPONSE_SCHEMA],
    totalResults: page.totalResults,
    itemsPerPage: resources.length,
    startIndex: page.startIndex,
    Resources: [...resources],
  };
}
