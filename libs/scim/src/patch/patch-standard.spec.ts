import { applyPatch, type JsonObject } from '@app/scim';
import { ENT, CORE_USER, snapshot, userContext } from '../testing/helpers';
import { BARE_USER, USER, withChanges, type PatchCase } from '../testing/patch-fixtures';

const ENT_DATA = USER[ENT] as JsonObject;
const EMAILS = USER['emails'] as JsonObject[];

const cases: PatchCase[] = [
  // --- single-valued attributes
  {
    name: 'add a simple attribute',
    resource: USER,
    operations: [{ op: 'add', path: 'nickName', value: 'Babs' }],
    expected: withChanges(USER, { nickName: 'Babs' }),
    changedPaths: ['nickName'],
  },
  {
    name: 'replace a simple attribute',
    resource: USER,
    operations: [{ op: 'replace', path: 'displayName', value: 'Barbara J.' }],
    expected: withChanges(USER, { displayName: 'Barbara J.' }),
    changedPaths: ['displayName'],
  },
  {
    name: 'replace with the current value changes nothing',
    resource: USER,
    operations: [{ op: 'replace', path: 'displayName', value: 'Babs' }],
    expected: USER,
    changedPaths: [],
  },
  {
    name: 'remove a simple attribute',
    resource: USER,
    operations: [{ op: 'remove', path: 'displayName' }],
    expected: withChanges(USER, { displayName: undefined }),
    changedPaths: ['displayName'],
  },
  {
    name: 'attribute names in paths are case-insensitive and stored canonically',
    resource: USER,
    operations: [{ op: 'replace', path: 'DISPLAYNAME', value: 'B' }],
    expected: withChanges(USER, { displayName: 'B' }),
    changedPaths: ['displayName'],
  },
  {
    name: 'core URN-prefixed path',
    resource: USER,
    operations: [{ op: 'replace', path: `${CORE_USER}:title`, value: 'CEO' }],
    expected: withChanges(USER, { title: 'CEO' }),
    changedPaths: ['title'],
  },
  {
    name: 'replace a boolean',
    resource: USER,
    operations: [{ op: 'replace', path: 'active', value: false }],
    expected: withChanges(USER, { active: false }),
    changedPaths: ['active'],
  },
  // --- complex attributes
  {
    name: 'add a sub-attribute',
    resource: USER,
    operations: [{ op: 'add', path: 'name.middleName', value: 'Jane' }],
    expected: withChanges(USER, { name: { givenName: 'Barbara', familyName: 'Jensen', middleName: 'Jane' } }),
    changedPaths: ['name.middleName'],
  },
  {
    name: 'replace a complex attribute merges sub-attributes (§3.5.2.3)',
    resource: USER,
    operations: [{ op: 'replace', path: 'name', value: { givenName: 'Barb', formatted: 'Barb Jensen' } }],
    expected: withChanges(USER, { name: { givenName: 'Barb', familyName: 'Jensen', formatted: 'Barb Jensen' } }),
    changedPaths: ['name.formatted', 'name.givenName'],
  },
  {
    name: 'add a complex attribute that did not exist',
    resource: BARE_USER,
    operations: [{ op: 'add', path: 'name', value: { familyName: 'Doe' } }],
    expected: withChanges(BARE_USER, { name: { familyName: 'Doe' } }),
    changedPaths: ['name.familyName'],
  },
  {
    name: 'remove a sub-attribute',
    resource: USER,
    operations: [{ op: 'remove', path: 'name.givenName' }],
    expected: withChanges(USER, { name: { familyName: 'Jensen' } }),
    changedPaths: ['name.givenName'],
  },
  {
    name: 'removing the last sub-attributes removes the attribute',
    resource: USER,
    operations: [
      { op: 'remove', path: 'name.givenName' },
      { op: 'remove', path: 'name.familyName' },
    ],
    expected: withChanges(USER, { name: undefined }),
    changedPaths: ['name.familyName', 'name.givenName'],
  },
  // --- multi-valued attributes
  {
    name: 'add to a multi-valued attribute appends',
    resource: USER,
    operations: [{ op: 'add', path: 'emails', value: [{ value: 'b@other.org', type: 'other' }] }],
    expected: withChanges(USER, { emails: [...EMAILS, { value: 'b@other.org', type: 'other' }] }),
    changedPaths: ['emails'],
  },
  {
    name: 'add of an existing entry does not duplicate it',
    resource: USER,
    operations: [{ op: 'add', path: 'emails', value: [{ value: 'BABS@home.org', type: 'home' }] }],
    expected: withChanges(USER, { emails: [EMAILS[0], { value: 'BABS@home.org', type: 'home' }] }),
    changedPaths: ['emails'],
  },
  {
    name: 'add of an identical entry is a no-op',
    resource: USER,
    operations: [{ op: 'add', path: 'emails', value: [{ value: 'babs@home.org', type: 'home' }] }],
    expected: USER,
    changedPaths: [],
  },
  {
    name: 'add of a primary entry clears primary elsewhere (RFC 7643 §2.4)',
    resource: USER,
    operations: [{ op: 'add', path: 'emails', value: [{ value: 'new@example.com', type: 'work', primary: true }] }],
    expected: withChanges(USER, {
      emails: [{ value: 'bjensen@example.com', type: 'work' }, EMAILS[1], { value: 'new@example.com', type: 'work', primary: true }],
    }),
    changedPaths: ['emails'],
  },
  {
    name: 'replace a multi-valued attribute replaces all entries',
    resource: USER,
    operations: [{ op: 'replace', path: 'emails', value: [{ value: 'only@example.com', type: 'work' }] }],
    expected: withChanges(USER, { emails: [{ value: 'only@example.com', type: 'work' }] }),
    changedPaths: ['emails'],
  },
  {
    name: 'replace with the same entries in another order changes nothing',
    resource: USER,
    operations: [{ op: 'replace', path: 'emails', value: [EMAILS[1], EMAILS[0]] }],
    expected: withChanges(USER, { emails: [EMAILS[1], EMAILS[0]] }),
    changedPaths: [],
  },
  {
    name: 'remove a multi-valued attribute entirely',
    resource: USER,
    operations: [{ op: 'remove', path: 'emails' }],
    expected: withChanges(USER, { emails: undefined }),
    changedPaths: ['emails'],
  },
  {
    name: 'remove entries selected by a filter',
    resource: USER,
    operations: [{ op: 'remove', path: 'emails[type eq "home"]' }],
    expected: withChanges(USER, { emails: [EMAILS[0]] }),
    changedPaths: ['emails'],
  },
  {
    name: 'remove with a compound filter (RFC example)',
    resource: USER,
    operations: [{ op: 'remove', path: 'emails[type eq "work" and value ew "example.com"]' }],
    expected: withChanges(USER, { emails: [EMAILS[1]] }),
    changedPaths: ['emails'],
  },
  {
    name: 'remove the only entry removes the attribute',
    resource: USER,
    operations: [{ op: 'remove', path: 'phoneNumbers[type eq "mobile"]' }],
    expected: withChanges(USER, { phoneNumbers: undefined }),
    changedPaths: ['phoneNumbers'],
  },
  {
    name: 'remove a sub-attribute of filtered entries',
    resource: USER,
    operations: [{ op: 'remove', path: 'emails[type eq "work"].primary' }],
    expected: withChanges(USER, { emails: [{ value: 'bjensen@example.com', type: 'work' }, EMAILS[1]] }),
    changedPaths: ['emails'],
  },
  {
    name: 'removing the value of an entry removes the entry',
    resource: USER,
    operations: [{ op: 'remove', path: 'emails[type eq "home"].value' }],
    expected: withChanges(USER, { emails: [EMAILS[0]] }),
    changedPaths: ['emails'],
  },
  {
    name: 'replace a sub-attribute of a filtered entry',
    resource: USER,
    operations: [{ op: 'replace', path: 'emails[type eq "work"].value', value: 'babs@example.com' }],
    expected: withChanges(USER, { emails: [{ value: 'babs@example.com', type: 'work', primary: true }, EMAILS[1]] }),
    changedPaths: ['emails'],
  },
  {
    name: 'replace a filtered entry merges the value object',
    resource: USER,
    operations: [{ op: 'replace', path: 'emails[type eq "home"]', value: { value: 'b@home.org', display: 'Home' } }],
    expected: withChanges(USER, { emails: [EMAILS[0], { value: 'b@home.org', type: 'home', display: 'Home' }] }),
    changedPaths: ['emails'],
  },
  {
    name: 'making another entry primary clears the old primary',
    resource: USER,
    operations: [{ op: 'replace', path: 'emails[type eq "home"].primary', value: true }],
    expected: withChanges(USER, {
      emails: [
        { value: 'bjensen@example.com', type: 'work' },
        { value: 'babs@home.org', type: 'home', primary: true },
      ],
    }),
    changedPaths: ['emails'],
  },
  {
    name: 'add with a filtered path that matches nothing creates the entry',
    resource: USER,
    operations: [{ op: 'add', path: 'phoneNumbers[type eq "work"].value', value: '555-0199' }],
    expected: withChanges(USER, {
      phoneNumbers: [
        { value: '555-0100', type: 'mobile' },
        { type: 'work', value: '555-0199' },
      ],
    }),
    changedPaths: ['phoneNumbers'],
  },
  {
    name: 'sub-attribute path on a multi-valued attribute applies to every entry',
    resource: USER,
    operations: [{ op: 'replace', path: 'emails.display', value: 'mail' }],
    expected: withChanges(USER, { emails: EMAILS.map((e) => ({ ...e, display: 'mail' })) }),
    changedPaths: ['emails'],
  },
  {
    name: 'remove with value removes only the listed entries',
    resource: USER,
    operations: [{ op: 'remove', path: 'emails', value: [{ value: 'babs@home.org' }] }],
    expected: withChanges(USER, { emails: [EMAILS[0]] }),
    changedPaths: ['emails'],
  },
  // --- operations without path
  {
    name: 'add without path adds each attribute',
    resource: USER,
    operations: [{ op: 'add', value: { nickName: 'B', emails: [{ value: 'x@y.org', type: 'other' }] } }],
    expected: withChanges(USER, { nickName: 'B', emails: [...EMAILS, { value: 'x@y.org', type: 'other' }] }),
    changedPaths: ['nickName', 'emails'],
  },
  {
    name: 'replace without path replaces each attribute',
    resource: USER,
    operations: [{ op: 'replace', value: { displayName: 'BJ', name: { givenName: 'Barb' }, phoneNumbers: [{ value: '1', type: 'work' }] } }],
    expected: withChanges(USER, {
      displayName: 'BJ',
      name: { givenName: 'Barb', familyName: 'Jensen' },
      phoneNumbers: [{ value: '1', type: 'work' }],
    }),
    changedPaths: ['name.givenName', 'displayName', 'phoneNumbers'],
  },
  {
    name: 'replace without path with a nested extension object',
    resource: USER,
    operations: [{ op: 'replace', value: { [ENT]: { department: 'R&D', costCenter: '4130' } } }],
    expected: withChanges(USER, { [ENT]: { ...ENT_DATA, department: 'R&D', costCenter: '4130' } }),
    changedPaths: [`${ENT}:costCenter`, `${ENT}:department`],
  },
  {
    name: 'readOnly attributes inside a value without path are ignored',
    resource: USER,
    operations: [
      {
        op: 'replace',
        value: {
          schemas: [CORE_USER],
          id: 'hijack',
          meta: { created: '2020-01-01T00:00:00Z' },
          groups: [{ value: 'g1' }],
          displayName: 'B2',
        },
      },
    ],
    expected: withChanges(USER, { displayName: 'B2' }),
    changedPaths: ['displayName'],
  },
  {
    name: 'unknown attributes are reported and skipped',
    resource: USER,
    operations: [
      { op: 'replace', value: { displayName: 'B3', shoeSize: 42, 'urn:example:ext:1.0:User:color': 'red' } },
      { op: 'add', path: 'favouriteColour', value: 'blue' },
      { op: 'add', path: 'name.nick', value: 'B' },
      { op: 'replace', path: 'name', value: { givenName: 'Bee', pet: 'cat' } },
    ],
    expected: withChanges(USER, { displayName: 'B3', name: { givenName: 'Bee', familyName: 'Jensen' } }),
    changedPaths: ['name.givenName', 'displayName'],
    unknownAttributes: ['shoeSize', 'urn:example:ext:1.0:User:color', 'favouriteColour', 'name.nick', 'name.pet'],
  },
  // --- extensions
  {
    name: 'add an extension attribute by URN path',
    resource: USER,
    operations: [{ op: 'add', path: `${ENT}:costCenter`, value: '4130' }],
    expected: withChanges(USER, { [ENT]: { ...ENT_DATA, costCenter: '4130' } }),
    changedPaths: [`${ENT}:costCenter`],
  },
  {
    name: 'the first extension attribute adds the extension URN to schemas',
    resource: BARE_USER,
    operations: [{ op: 'add', path: `${ENT}:department`, value: 'Ops' }],
    expected: withChanges(BARE_USER, { schemas: [CORE_USER, ENT], [ENT]: { department: 'Ops' } }),
    changedPaths: [`${ENT}:department`],
  },
  {
    name: 'a path naming the extension adds its attributes',
    resource: USER,
    operations: [{ op: 'add', path: ENT, value: { division: 'EMEA' } }],
    expected: withChanges(USER, { [ENT]: { ...ENT_DATA, division: 'EMEA' } }),
    changedPaths: [`${ENT}:division`],
  },
  {
    name: 'removing the extension removes its data and schema URN',
    resource: USER,
    operations: [{ op: 'remove', path: ENT }],
    expected: withChanges(USER, { schemas: [CORE_USER], [ENT]: undefined }),
    changedPaths: [`${ENT}:employeeNumber`, `${ENT}:department`, `${ENT}:manager.value`, `${ENT}:manager.displayName`],
  },
  {
    name: 'removing the last extension attribute drops the extension',
    resource: withChanges(BARE_USER, { schemas: [CORE_USER, ENT], [ENT]: { department: 'Ops' } }),
    operations: [{ op: 'remove', path: `${ENT}:department` }],
    expected: BARE_USER,
    changedPaths: [`${ENT}:department`],
  },
  {
    name: 'replace manager with another id drops what described the old one',
    resource: USER,
    operations: [{ op: 'replace', path: `${ENT}:manager`, value: { value: 'm2' } }],
    expected: withChanges(USER, { [ENT]: { ...ENT_DATA, manager: { value: 'm2' } } }),
    changedPaths: [`${ENT}:manager.value`, `${ENT}:manager.displayName`],
  },
  {
    name: 'replace manager.value',
    resource: USER,
    operations: [{ op: 'replace', path: `${ENT}:manager.value`, value: 'm3' }],
    expected: withChanges(USER, { [ENT]: { ...ENT_DATA, manager: { value: 'm3' } } }),
    changedPaths: [`${ENT}:manager.value`, `${ENT}:manager.displayName`],
  },
  {
    name: 'remove manager',
    resource: USER,
    operations: [{ op: 'remove', path: `${ENT}:manager` }],
    expected: withChanges(USER, { [ENT]: { employeeNumber: '701984', department: 'Sales' } }),
    changedPaths: [`${ENT}:manager.value`, `${ENT}:manager.displayName`],
  },
  // --- sequences
  {
    name: 'operations apply in order, each on the result of the previous',
    resource: USER,
    operations: [
      { op: 'remove', path: 'emails' },
      { op: 'add', path: 'emails', value: [{ value: 'n@x.org', type: 'work', primary: true }] },
      { op: 'replace', path: 'emails[type eq "work"].display', value: 'N' },
    ],
    expected: withChanges(USER, { emails: [{ value: 'n@x.org', type: 'work', primary: true, display: 'N' }] }),
    changedPaths: ['emails'],
  },
  {
    name: 'password may be set (writeOnly)',
    resource: USER,
    operations: [{ op: 'replace', path: 'password', value: 't1meMa$heen' }],
    expected: withChanges(USER, { password: 't1meMa$heen' }),
    changedPaths: ['password'],
  },
];

describe('applyPatch — RFC 7644 §3.5.2 operations', () => {
  it.each(cases)('$name', ({ resource, operations, expected, changedPaths, unknownAttributes }) => {
    const before = snapshot(resource);
    const result = applyPatch(resource, operations, userContext);
    expect(result.resource).toEqual(expected);
    expect(result.changedPaths).toEqual(changedPaths);
    expect(result.unknownAttributes).toEqual(unknownAttributes ?? []);
    expect(resource).toEqual(before);
  });
});
