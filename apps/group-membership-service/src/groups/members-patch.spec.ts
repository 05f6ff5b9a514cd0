/**
 * Group PATCH operations → member operations applied as SQL, and the rest for applyPatch.
 * Table-driven from the request shapes Microsoft Entra sends (with and without aadOptscim062020).
 */
import type { PatchOperationJson } from '@app/contracts';
import { ScimError } from '@app/scim';
import { MemberOp, splitMembersPatch } from './members-patch';

const U1 = '11111111-1111-4111-8111-111111111111';
const U2 = '22222222-2222-4222-8222-222222222222';

const cases: Array<{ name: string; ops: PatchOperationJson[]; members: MemberOp[]; others?: number }> = [
  { name: 'add several members in one op', ops: [{ op: 'add', path: 'members', value: [{ value: U1 }, { value: U2 }] }], members: [{ kind: 'add', ids: [U1, U2] }] },
  {
    name: 'add with capitalised op and duplicate ids',
    ops: [{ op: 'Add' as 'add', path: 'members', value: [{ value: U1 }, { value: U1 }] }],
    members: [{ kind: 'add', ids: [U1] }],
  },
  { name: 'remove with value list (flag off): only that member', ops: [{ op: 'remove', path: 'members', value: [{ value: U1 }] }], members: [{ kind: 'remove', ids: [U1] }] },
  { name: 'remove by value path (flag on)', ops: [{ op: 'remove', path: `members[value eq "${U2}"]` }], members: [{ kind: 'remove', ids: [U2] }] },
  { name: 'remove by value path with or', ops: [{ op: 'remove', path: `members[value eq "${U1}" or value eq "${U2}"]` }], members: [{ kind: 'remove', ids: [U1, U2] }] },
  { name: 'remove all', ops: [{ op: 'remove', path: 'members' }], members: [{ kind: 'removeAll' }] },
  { name: 'replace members', ops: [{ op: 'replace', path: 'members', value: [{ value: U1 }] }], members: [{ kind: 'replace', ids: [U1] }] },
  { name: 'replace with empty list', ops: [{ op: 'replace', path: 'members', value: [] }], members: [{ kind: 'replace', ids: [] }] },
  { name: 'displayName replace is not a member op', ops: [{ op: 'replace', path: 'displayName', value: 'x' }], members: [], others: 1 },
  {
    name: 'path-less value with members and displayName splits',
    ops: [{ op: 'replace', value: { displayName: 'x', members: [{ value: U2 }] } }],
    members: [{ kind: 'replace', ids: [U2] }],
    others: 1,
  },
  { name: 'upper-case ids are normalised', ops: [{ op: 'add', path: 'members', value: [{ value: U1.toUpperCase() }] }], members: [{ kind: 'add', ids: [U1] }] },
];

describe('splitMembersPatch', () => {
  it.each(cases)('$name', ({ ops, members, others }) => {
    const split = splitMembersPatch(ops);
    expect(split.memberOps).toEqual(members);
    expect(split.otherOps).toHaveLength(others ?? 0);
  });

  it.each([
    { name: 'a member of type Group (no nested groups)', ops: [{ op: 'add', path: 'members', value: [{ value: U1, type: 'Group' }] }], scimType: 'invalidValue' },
    { name: 'a member entry without value', ops: [{ op: 'add', path: 'members', value: [{ display: 'x' }] }], scimType: 'invalidValue' },
    { name: 'a member filter other than value eq', ops: [{ op: 'remove', path: 'members[display eq "x"]' }], scimType: 'invalidFilter' },
    { name: 'changing a member sub-attribute', ops: [{ op: 'replace', path: 'members.display', value: 'x' }], scimType: 'mutability' },
    { name: 'add through a member value filter', ops: [{ op: 'add', path: `members[value eq "${U1}"]`, value: {} }], scimType: 'invalidPath' },
  ] as Array<{ name: string; ops: PatchOperationJson[]; scimType: string }>)('refuses $name', ({ ops, scimType }) => {
    let error: unknown;
    try {
      splitMembersPatch(ops);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ScimError);
    expect((error as ScimError).status).toBe(400);
    expect((error as ScimError).scimType).toBe(scimType);
  });
});
