/**
 * A type derived from a JSON Schema (json-schema-to-ts `FromSchema`) with only the members the
 * schema names. An object schema that leaves `additionalProperties` open (so that a member added
 * later does not make older readers refuse a record) derives as `{ ...; [x: string]: unknown }`;
 * that index signature adds nothing to read or write, but it makes `Omit`, `Pick` and `keyof` of
 * the type lose every named member. Only the top level is narrowed; optional members stay optional.
 */
export type NamedMembers<T> = T extends object ? { [K in keyof T as string extends K ? never : number extends K ? never : K]: T[K] } : T;
