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

/** Adds members before meta; an empty list is left out (an unassigned attribute, RFC 7643 §2.5). */
export function withMembers(resource: JsonObject, members: readonly MemberJson[] | undefined): JsonObject {
  if (members === undefined || members.length === 0) return resource;
  const { meta, ...rest } = resource;
  return { ...rest, members: members as unknown as JsonObject[], meta };
}
