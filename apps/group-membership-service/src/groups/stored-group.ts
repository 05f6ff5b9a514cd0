import type { JsonObject } from '@app/scim';

/** A group as stored: the SCIM resource without `members` (and without meta.location). */
export interface StoredGroup {
  tenantId: string;
  id: string;
  managed: boolean;
  resource: JsonObject;
  version: number;
  created: string;
  lastModified: string;
}

/** One member as answered: `$ref` is added by the gateway, which knows its base URL. */
export interface MemberJson {
  value: string;
  display?: string;
  type: 'User';
  [key: string]: string | undefined;
}

export function etagOf(version: number): string {
  return `W/"${version}"`;
}

export function ifMatchSatisfied(ifMatch: string | undefined, version: number): boolean {
  if (ifMatch === undefined || ifMatch.trim() === '') return true;
  const current = `"${version}"`;
  return ifMatch
    .split(',')
    .map((tag) => tag.trim())
    .some((tag) => tag === '*' || tag.replace(/^W\//, '') === current);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Group and user ids are UUIDs; anything else names nothing (and must not reach a uuid column). */
export function isUuid(id: unknown): id is string {
  return typeof id === 'string' && UUID.test(id);
}

/** Adds members before meta; an empty list is left out (an unassigned attribute, RFC 7643 §2.5). */
export function withMembers(resource: JsonObject, members: readonly MemberJson[] | undefined): JsonObject {
  if (members === undefined || members.length === 0) return resource;
  const { meta, ...rest } = resource;
  return { ...rest, members: members as unknown as JsonObject[], meta } as JsonObject;
}
