/**
 * Group membership PATCH: what Entra (with and without aadOptscim062020) and RFC clients send.
 */
import { applyPatch, parsePatchRequest, type JsonObject } from '@app/scim';
import { groupContext, snapshot } from '../testing/helpers';
import { GROUP, withChanges, type PatchCase } from '../testing/patch-fixtures';

const [U1, U2, G9] = GROUP['members'] as JsonObject[];
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

const cases: PatchCase[] = [
  {
    name: 'add a member appends',
    resource: GROUP,
    operations: [{ op: 'Add', path: 'members', value: [{ value: 'u3' }] }],
    expected: withChanges(GROUP, { members: [U1, U2, G9, { value: 'u3' }] }),
    changedPaths: ['members'],
  },
  {
    name: 'add several members in one operation',
    resource: GROUP,
    operations: [{ op: 'add', path: 'members', value: [{ value: 'u3' }, { value: 'u4', type: 'User' }] }],
    expected: withChanges(GROUP, { members: [U1, U2, G9, { value: 'u3' }, { value: 'u4', type: 'User' }] }),
    changedPaths: ['members'],
  },
  {
    name: 'add an existing member is a no-op',
    resource: GROUP,
    operations: [{ op: 'Add', path: 'members', value: [{ value: 'u1' }] }],
    expected: GROUP,
    changedPaths: [],
  },
  {
    name: 'add the same new member twice in one request adds it once',
    resource: GROUP,
    operations: [
      { op: 'Add', path: 'members', value: [{ value: 'u3' }] },
      { op: 'Add', path: 'members', value: [{ value: 'u3' }] },
    ],
    expected: withChanges(GROUP, { members: [U1, U2, G9, { value: 'u3' }] }),
    changedPaths: ['members'],
  },
  {
    name: 'add members to a group without members',
    resource: withChanges(GROUP, { members: undefined }),
    operations: [{ op: 'Add', path: 'members', value: [{ value: 'u1' }] }],
    expected: withChanges(GROUP, { members: [{ value: 'u1' }] }),
    changedPaths: ['members'],
  },
  {
    name: 'remove one member without the flag: path "members" with value',
    resource: GROUP,
    operations: [{ op: 'Remove', path: 'members', value: [{ value: 'u1' }] }],
    expected: withChanges(GROUP, { members: [U2, G9] }),
    changedPaths: ['members'],
  },
  {
    name: 'remove one member with the flag: members[value eq "id"]',
    resource: GROUP,
    operations: [{ op: 'remove', path: 'members[value eq "u1"]' }],
    expected: withChanges(GROUP, { members: [U2, G9] }),
    changedPaths: ['members'],
  },
  {
    name: 'remove with a single member object instead of a list',
    resource: GROUP,
    operations: [{ op: 'Remove', path: 'members', value: { value: 'u2' } }],
    expected: withChanges(GROUP, { members: [U1, G9] }),
    changedPaths: ['members'],
  },
  {
    name: 'remove several listed members',
    resource: GROUP,
    operations: [{ op: 'Remove', path: 'members', value: [{ value: 'u1' }, { value: 'g9' }] }],
    expected: withChanges(GROUP, { members: [U2] }),
    changedPaths: ['members'],
  },
  {
    name: 'remove a member that is not in the group never empties it',
    resource: GROUP,
    operations: [{ op: 'Remove', path: 'members', value: [{ value: 'nobody' }] }],
    expected: GROUP,
    changedPaths: [],
  },
  {
    name: 'remove with an empty list removes nothing',
    resource: GROUP,
    operations: [{ op: 'Remove', path: 'members', value: [] }],
    expected: GROUP,
    changedPaths: [],
  },
  {
    name: 'remove by filter of an absent member is a no-op',
    resource: GROUP,
    operations: [{ op: 'remove', path: 'members[value eq "nobody"]' }],
    expected: GROUP,
    changedPaths: [],
  },
  {
    name: 'remove with value matches member ids exactly, type only when both carry one',
    resource: GROUP,
    operations: [
      {
        op: 'Remove',
        path: 'members',
        value: [
          { value: 'u2', type: 'Group' },
          { value: 'g9', type: 'Group' },
        ],
      },
    ],
    expected: withChanges(GROUP, { members: [U1, U2] }),
    changedPaths: ['members'],
  },
  {
    name: 'remove path members removes all members',
    resource: GROUP,
    operations: [{ op: 'remove', path: 'members' }],
    expected: withChanges(GROUP, { members: undefined }),
    changedPaths: ['members'],
  },
  {
    name: 'remove the last member by filter leaves no members attribute',
    resource: withChanges(GROUP, { members: [U1] }),
    operations: [{ op: 'remove', path: 'members[value eq "u1"]' }],
    expected: withChanges(GROUP, { members: undefined }),
    changedPaths: ['members'],
  },
  {
    name: 'remove by type filter',
    resource: GROUP,
    operations: [{ op: 'remove', path: 'members[type eq "Group"]' }],
    expected: withChanges(GROUP, { members: [U1, U2] }),
    changedPaths: ['members'],
  },
  {
    name: 'replace members replaces the whole list',
    resource: GROUP,
    operations: [{ op: 'replace', path: 'members', value: [{ value: 'u7' }, { value: 'u8' }] }],
    expected: withChanges(GROUP, { members: [{ value: 'u7' }, { value: 'u8' }] }),
    changedPaths: ['members'],
  },
  {
    name: 'replace members with duplicates keeps one of each',
    resource: GROUP,
    operations: [{ op: 'replace', path: 'members', value: [{ value: 'u7' }, { value: 'u7' }] }],
    expected: withChanges(GROUP, { members: [{ value: 'u7' }] }),
    changedPaths: ['members'],
  },
  {
    name: 'replace displayName (Genesys updates groups only)',
    resource: GROUP,
    operations: [{ op: 'Replace', path: 'displayName', value: 'Sales EMEA' }],
    expected: withChanges(GROUP, { displayName: 'Sales EMEA' }),
    changedPaths: ['displayName'],
  },
  {
    name: 'path-less replace of displayName and members',
    resource: GROUP,
    operations: [{ op: 'replace', value: { displayName: 'X', members: [{ value: 'u1' }] } }],
    expected: withChanges(GROUP, { displayName: 'X', members: [{ value: 'u1' }] }),
    changedPaths: ['displayName', 'members'],
  },
  {
    name: 'add then remove in one request',
    resource: GROUP,
    operations: [
      { op: 'Add', path: 'members', value: [{ value: 'u5' }] },
      { op: 'Remove', path: 'members', value: [{ value: 'u2' }] },
    ],
    expected: withChanges(GROUP, { members: [U1, G9, { value: 'u5' }] }),
    changedPaths: ['members'],
  },
  {
    name: 'externalId on a group',
    resource: GROUP,
    operations: [{ op: 'Add', path: 'externalId', value: 'aad-group-1' }],
    expected: withChanges(GROUP, { externalId: 'aad-group-1' }),
    changedPaths: ['externalId'],
  },
];

describe('applyPatch on Groups', () => {
  it.each(cases)('$name', ({ resource, operations, expected, changedPaths }) => {
    const before = snapshot(resource);
    const result = applyPatch(resource, operations, groupContext);
    expect(result.resource).toEqual(expected);
    expect(result.changedPaths).toEqual(changedPaths);
    expect(result.unknownAttributes).toEqual([]);
    expect(resource).toEqual(before);
  });

  it.each([
    {
      variant: 'without aadOptscim062020',
      body: { schemas: [PATCH_OP], Operations: [{ op: 'Remove', path: 'members', value: [{ value: 'u2' }] }] },
    },
    {
      variant: 'with aadOptscim062020',
      body: { schemas: [PATCH_OP], Operations: [{ op: 'remove', path: 'members[value eq "u2"]' }] },
    },
  ])('Entra member removal $variant removes only that member', ({ body }) => {
    const result = applyPatch(GROUP, parsePatchRequest(body), groupContext);
    expect(result.resource['members']).toEqual([U1, G9]);
    expect(result.changedPaths).toEqual(['members']);
  });
});

describe('large groups', () => {
  const members: JsonObject[] = Array.from({ length: 20000 }, (_, i) => ({ value: `user-${i}`, type: 'User' }));
  const big: JsonObject = { ...GROUP, members };

  it('removes and adds listed members without touching the rest', () => {
    const removed = Array.from({ length: 500 }, (_, i) => ({ value: `USER-${i * 40}` }));
    const added = Array.from({ length: 500 }, (_, i) => ({ value: `new-${i}` }));
    const result = applyPatch(
      big,
      [
        { op: 'Remove', path: 'members', value: removed },
        { op: 'Add', path: 'members', value: [...added, { value: 'user-1' }] },
      ],
      groupContext,
    );
    const values = (result.resource['members'] as JsonObject[]).map((m) => m['value']);
    expect(values).toHaveLength(20000);
    expect(values.slice(0, 3)).toEqual(['user-1', 'user-2', 'user-3']);
    expect(values).not.toContain('user-40');
    expect(values.slice(-2)).toEqual(['new-498', 'new-499']);
    expect(result.changedPaths).toEqual(['members']);
  });
});

describe('large groups, unchanged', () => {
  it('re-adding present members and reordering report no change', () => {
    const members: JsonObject[] = Array.from({ length: 20000 }, (_, i) => ({ value: `user-${i}` }));
    const big: JsonObject = { ...GROUP, members };
    const readd = applyPatch(big, [{ op: 'Add', path: 'members', value: members.slice(0, 1000) }], groupContext);
    expect(readd.changedPaths).toEqual([]);
    const reordered = applyPatch(big, [{ op: 'replace', path: 'members', value: [...members].reverse() }], groupContext);
    expect(reordered.changedPaths).toEqual([]);
  });
});
