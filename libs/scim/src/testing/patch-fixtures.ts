/** Resources the PATCH specs start from. Tests must not mutate them (applyPatch clones). */
import type { JsonObject, PatchOperationInput } from '@app/scim';
import { CORE_GROUP, CORE_USER, ENT } from './helpers';

export const META: JsonObject = {
  resourceType: 'User',
  created: '2010-01-23T04:56:22Z',
  lastModified: '2011-05-13T04:42:34Z',
  location: 'https://example.com/v2/Users/u1',
};

export const USER: JsonObject = {
  schemas: [CORE_USER, ENT],
  id: 'u1',
  externalId: 'ext-1',
  userName: 'bjensen@example.com',
  name: { givenName: 'Barbara', familyName: 'Jensen' },
  displayName: 'Babs',
  active: true,
  emails: [
    { value: 'bjensen@example.com', type: 'work', primary: true },
    { value: 'babs@home.org', type: 'home' },
  ],
  phoneNumbers: [{ value: '555-0100', type: 'mobile' }],
  meta: META,
  [ENT]: { employeeNumber: '701984', department: 'Sales', manager: { value: 'm1', displayName: 'Boss' } },
};

/** A user with neither work email nor extension data. */
export const BARE_USER: JsonObject = {
  schemas: [CORE_USER],
  id: 'u2',
  userName: 'jdoe@example.com',
  active: true,
  meta: META,
};

export const GROUP: JsonObject = {
  schemas: [CORE_GROUP],
  id: 'g1',
  displayName: 'Sales',
  members: [
    { value: 'u1', type: 'User', display: 'Babs' },
    { value: 'u2', type: 'User' },
    { value: 'g9', type: 'Group' },
  ],
  meta: { ...META, resourceType: 'Group' },
};

export interface PatchCase {
  readonly name: string;
  readonly resource: JsonObject;
  readonly operations: readonly PatchOperationInput[];
  readonly expected: JsonObject;
  readonly changedPaths: readonly string[];
  readonly unknownAttributes?: readonly string[];
}

/** `base` with top-level members overridden; an `undefined` override removes the member. */
export function withChanges(base: JsonObject, changes: Record<string, JsonObject[string] | undefined>): JsonObject {
  const result: JsonObject = { ...base };
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) delete result[key];
    else result[key] = value;
  }
  return result;
}
