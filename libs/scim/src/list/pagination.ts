/** Index-based pagination parameters, RFC 7644 §3.4.2.4. */
import { ScimError } from '../errors/scim-error';

export interface Pagination {
  /** 1-based index of the first result. */
  readonly startIndex: number;
  /** Maximum number of results in the page; 0 asks for totalResults only. */
  readonly count: number;
}

export interface PaginationOptions {
  readonly defaultCount: number;
  /** Service provider maximum; larger requests are cut to it (§3.4.2.4 "SHALL NOT return more"). */
  readonly maxCount: number;
}

function parseInteger(name: string, raw: string | number | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const text = String(raw).trim();
  if (!/^[+-]?\d+$/.test(text)) throw new ScimError(400, 'invalidValue', `"${name}" must be an integer, got "${text}"`);
  return Number(text);
}

/** startIndex < 1 is read as 1 and count < 0 as 0 (§3.4.2.4); count above the maximum is capped. */
export function parsePagination(params: { readonly startIndex?: string | number; readonly count?: string | number }, options: PaginationOptions): Pagination {
  const startIndex = parseInteger('startIndex', params.startIndex) ?? 1;
  const count = parseInteger('count', params.count) ?? options.defaultCount;
  return {
    startIndex: Math.max(1, startIndex),
    count: Math.min(Math.max(0, count), options.maxCount),
  };
}
