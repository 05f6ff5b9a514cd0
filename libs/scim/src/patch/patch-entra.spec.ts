/**
 * Microsoft Entra ID request shapes, from "Known issues and resolutions with SCIM 2.0
 * protocol compliance of the Microsoft Entra user provisioning service": each pair is what
 * Entra sends without and with the aadOptscim062020 flag; both must give the same result.
 */
import { applyPatch, parsePatchRequest, type JsonObject } from '@app/scim';
import { CORE_USER, ENT, expectScimError, GEN, registry, snapshot, userContext } from '../testing/helpers';
import { BARE_USER, USER, withChanges, type PatchCase } from '../testing/patch-fixtures';

const ENT_DATA = USER[ENT] as JsonObject;
const EMAILS = USER['emails'] as JsonObject[];
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

interface FlagPair {
  readonly name: string;
  readonly resource: JsonObject;
  readonly withoutFlag: JsonObject;
  readonly withFlag: JsonObject;
  readonly expected: JsonObject;
  readonly changedPaths: readonly string[];
}

const pairs: FlagPair[] = [
  {
    name: 'disable user',
    resource: USER,
    withoutFlag: { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] },
    withFlag: { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] },
    expected: withChanges(USER, { active: false }),
    changedPaths: ['active'],
  },
  {
    name: 'add a single-value string attribute',
    resource: USER,
    withoutFlag: { schemas: [PATCH_OP], Operations: [{ op: 'Add', path: 'nickName', value: 'Babs' }] },
    withFlag: { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'nickName', value: 'Babs' }] },
    expected: withChanges(USER, { nickName: 'Babs' }),
    changedPaths: ['nickName'],
  },
  {
    name: 'replace multiple attributes',
    resource: USER,
    withoutFlag: {
      schemas: [PATCH_OP],
      Operations: [
        { op: 'Replace', path: 'displayName', value: 'Pvlo' },
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'TestBcwqnm@test.microsoft.com' },
        { op: 'Replace', path: 'name.givenName', value: 'Gtfd' },
        { op: 'Replace', path: 'name.familyName', value: 'Pkqf' },
        { op: 'Replace', path: 'externalId', value: 'Eqpj' },
        { op: 'Replace', path: `${ENT}:employeeNumber`, value: 'Eqpj' },
      ],
    },
    withFlag: {
      schemas: [PATCH_OP],
      Operations: [
        { op: 'replace', path: 'emails[type eq "work"].value', value: 'TestBcwqnm@test.microsoft.com' },
        {
          op: 'replace',
          value: {
            displayName: 'Pvlo',
            'name.givenName': 'Gtfd',
            'name.familyName': 'Pkqf',
            externalId: 'Eqpj',
            [`${ENT}:employeeNumber`]: 'Eqpj',
          },
        },
      ],
    },
    expected: withChanges(USER, {
      externalId: 'Eqpj',
      displayName: 'Pvlo',
      name: { givenName: 'Gtfd', familyName: 'Pkqf' },
      emails: [{ value: 'TestBcwqnm@test.microsoft.com', type: 'work', primary: true }, EMAILS[1]],
      [ENT]: { ...ENT_DATA, employeeNumber: 'Eqpj' },
    }),
    changedPaths: ['externalId', 'name.familyName', 'name.givenName', 'displayName', 'emails', `${ENT}:employeeNumber`],
  },
];

describe('Entra requests with and without aadOptscim062020 give the same result', () => {
  describe.each(pairs)('$name', ({ resource, withoutFlag, withFlag, expected, changedPaths }) => {
    it.each([
      { variant: 'without flag', body: withoutFlag },
      { variant: 'with flag', body: withFlag },
    ])('$variant', ({ body }) => {
      const result = applyPatch(resource, parsePatchRequest(body), userContext);
      expect(result.resource).toEqual(expected);
      expect(result.changedPaths).toEqual(changedPaths);
      expect(result.unknownAttributes).toEqual([]);
    });
  });
});

const dialect: PatchCase[] = [
  {
    name: 'boolean strings are case-insensitive',
    resource: withChanges(USER, { active: false }),
    operations: [{ op: 'Replace', path: 'active', value: 'TRUE' }],
    expected: USER,
    changedPaths: ['active'],
  },
  {
    name: 'active as "False" inside a path-less replace',
    resource: USER,
    operations: [{ op: 'Replace', value: { active: 'False' } }],
    expected: withChanges(USER, { active: false }),
    changedPaths: ['active'],
  },
  {
    name: 'manager as a bare string',
    resource: USER,
    operations: [{ op: 'Replace', path: `${ENT}:manager`, value: 'm2' }],
    expected: withChanges(USER, { [ENT]: { ...ENT_DATA, manager: { value: 'm2' } } }),
    changedPaths: [`${ENT}:manager.value`, `${ENT}:manager.displayName`],
  },
  {
    name: 'manager as {value}',
    resource: BARE_USER,
    operations: [{ op: 'Add', path: `${ENT}:manager`, value: { value: 'm2' } }],
    expected: withChanges(BARE_USER, { schemas: [CORE_USER, ENT], [ENT]: { manager: { value: 'm2' } } }),
    changedPaths: [`${ENT}:manager.value`],
  },
  {
    name: 'manager under a URN-prefixed key of a path-less replace',
    resource: USER,
    operations: [{ op: 'replace', value: { [`${ENT}:manager`]: 'm3', [`${ENT}:department`]: 'HR' } }],
    expected: withChanges(USER, { [ENT]: { employeeNumber: '701984', department: 'HR', manager: { value: 'm3' } } }),
    changedPaths: [`${ENT}:department`, `${ENT}:manager.value`, `${ENT}:manager.displayName`],
  },
  {
    name: 'filtered replace matching nothing creates the entry',
    resource: BARE_USER,
    operations: [{ op: 'Replace', path: 'emails[type eq "work"].value', value: 'jdoe@work.example' }],
    expected: withChanges(BARE_USER, { emails: [{ type: 'work', value: 'jdoe@work.example' }] }),
    changedPaths: ['emails'],
  },
  {
    name: 'Genesys phone types are accepted (work2, microsoftteams)',
    resource: USER,
    operations: [
      { op: 'Add', path: 'phoneNumbers[type eq "work2"].value', value: '555-0102' },
      { op: 'Replace', path: 'phoneNumbers[type eq "microsoftteams"].value', value: '555-0103' },
    ],
    expected: withChanges(USER, {
      phoneNumbers: [
        { value: '555-0100', type: 'mobile' },
        { type: 'work2', value: '555-0102' },
        { type: 'microsoftteams', value: '555-0103' },
      ],
    }),
    changedPaths: ['phoneNumbers'],
  },
  {
    name: 'Genesys externalIds with single-quoted authority',
    resource: BARE_USER,
    operations: [
      { op: 'Add', path: `${GEN}:externalIds[authority eq 'microsoftteams'].value`, value: '29:1AbC' },
      { op: 'Add', path: `${GEN}:externalIds[authority eq 'zoomphone'].value`, value: 'z-1' },
    ],
    expected: withChanges(BARE_USER, {
      schemas: [CORE_USER, GEN],
      [GEN]: {
        externalIds: [
          { authority: 'microsoftteams', value: '29:1AbC' },
          { authority: 'zoomphone', value: 'z-1' },
        ],
      },
    }),
    changedPaths: [`${GEN}:externalIds`],
  },
  {
    name: 'Genesys externalIds update an existing authority',
    resource: withChanges(BARE_USER, { schemas: [CORE_USER, GEN], [GEN]: { externalIds: [{ authority: 'ringcentral', value: 'r-1' }] } }),
    operations: [{ op: 'Replace', path: `${GEN}:externalIds[authority eq \u2018ringcentral\u2019].value`, value: 'r-2' }],
    expected: withChanges(BARE_USER, { schemas: [CORE_USER, GEN], [GEN]: { externalIds: [{ authority: 'ringcentral', value: 'r-2' }] } }),
    changedPaths: [`${GEN}:externalIds`],
  },
  {
    name: 'roles sent as a JSON string',
    resource: BARE_USER,
    operations: [{ op: 'Add', path: 'roles', value: '[{"value":"Admin","display":"Administrator","primary":"True"}]' }],
    expected: withChanges(BARE_USER, { roles: [{ value: 'Admin', display: 'Administrator', primary: true }] }),
    changedPaths: ['roles'],
  },
  {
    name: 'roles sent as a JSON object string',
    resource: BARE_USER,
    operations: [{ op: 'Replace', path: 'roles', value: '{"value":"Agent"}' }],
    expected: withChanges(BARE_USER, { roles: [{ value: 'Agent' }] }),
    changedPaths: ['roles'],
  },
  {
    name: 'roles as a bare string',
    resource: BARE_USER,
    operations: [{ op: 'Add', path: 'roles', value: 'Supervisor' }],
    expected: withChanges(BARE_USER, { roles: [{ value: 'Supervisor' }] }),
    changedPaths: ['roles'],
  },
  {
    name: 'roles[primary eq "True"].value (Entra app-role mapping)',
    resource: withChanges(BARE_USER, { roles: [{ value: 'Old', primary: true }, { value: 'Other' }] }),
    operations: [{ op: 'Replace', path: 'roles[primary eq "True"].value', value: 'New' }],
    expected: withChanges(BARE_USER, { roles: [{ value: 'New', primary: true }, { value: 'Other' }] }),
    changedPaths: ['roles'],
  },
  {
    name: 'roles[primary eq "True"].value creates a primary role',
    resource: BARE_USER,
    operations: [{ op: 'Add', path: 'roles[primary eq "True"].value', value: 'Admin' }],
    expected: withChanges(BARE_USER, { roles: [{ primary: true, value: 'Admin' }] }),
    changedPaths: ['roles'],
  },
  {
    name: 'empty string clears a simple attribute',
    resource: withChanges(USER, { title: 'CEO' }),
    operations: [{ op: 'Replace', path: 'title', value: '' }],
    expected: USER,
    changedPaths: ['title'],
  },
  {
    name: 'null clears a simple attribute',
    resource: USER,
    operations: [{ op: 'Replace', path: 'displayName', value: null }],
    expected: withChanges(USER, { displayName: undefined }),
    changedPaths: ['displayName'],
  },
  {
    name: 'empty string clears a sub-attribute',
    resource: USER,
    operations: [{ op: 'Replace', path: 'name.givenName', value: '' }],
    expected: withChanges(USER, { name: { familyName: 'Jensen' } }),
    changedPaths: ['name.givenName'],
  },
  {
    name: 'empty string clears the manager',
    resource: USER,
    operations: [{ op: 'Replace', path: `${ENT}:manager`, value: '' }],
    expected: withChanges(USER, { [ENT]: { employeeNumber: '701984', department: 'Sales' } }),
    changedPaths: [`${ENT}:manager.value`, `${ENT}:manager.displayName`],
  },
  {
    name: 'empty manager value clears the manager',
    resource: USER,
    operations: [{ op: 'Replace', path: `${ENT}:manager`, value: { value: '' } }],
    expected: withChanges(USER, { [ENT]: { employeeNumber: '701984', department: 'Sales' } }),
    changedPaths: [`${ENT}:manager.value`, `${ENT}:manager.displayName`],
  },
  {
    name: 'empty string on a filtered value removes that entry',
    resource: USER,
    operations: [{ op: 'Replace', path: 'emails[type eq "home"].value', value: '' }],
    expected: withChanges(USER, { emails: [EMAILS[0]] }),
    changedPaths: ['emails'],
  },
  {
    name: 'empty array clears a multi-valued attribute on replace',
    resource: USER,
    operations: [{ op: 'Replace', path: 'phoneNumbers', value: [] }],
    expected: withChanges(USER, { phoneNumbers: undefined }),
    changedPaths: ['phoneNumbers'],
  },
  {
    name: 'empty array adds nothing',
    resource: USER,
    operations: [{ op: 'Add', path: 'phoneNumbers', value: [] }],
    expected: USER,
    changedPaths: [],
  },
  {
    name: 'empty string in a path-less replace clears',
    resource: USER,
    operations: [{ op: 'Replace', value: { displayName: '', 'name.familyName': '' } }],
    expected: withChanges(USER, { displayName: undefined, name: { givenName: 'Barbara' } }),
    changedPaths: ['name.familyName', 'displayName'],
  },
  {
    name: 'a single entry where an array is expected',
    resource: BARE_USER,
    operations: [{ op: 'Add', path: 'emails', value: { value: 'one@x.org', type: 'work' } }],
    expected: withChanges(BARE_USER, { emails: [{ value: 'one@x.org', type: 'work' }] }),
    changedPaths: ['emails'],
  },
  {
    name: 'remove with a filter that matches nothing is a no-op',
    resource: USER,
    operations: [{ op: 'Remove', path: 'emails[type eq "other"]' }],
    expected: USER,
    changedPaths: [],
  },
  {
    name: 'member names of the operation are case-insensitive',
    resource: USER,
    operations: [{ OP: 'Replace', Path: 'title', Value: 'Boss' } as unknown as { op: string }],
    expected: withChanges(USER, { title: 'Boss' }),
    changedPaths: ['title'],
  },
];

describe('Entra dialect (entraCompat, the default)', () => {
  it.each(dialect)('$name', ({ resource, operations, expected, changedPaths, unknownAttributes }) => {
    const before = snapshot(resource);
    const result = applyPatch(resource, operations, userContext);
    expect(result.resource).toEqual(expected);
    expect(result.changedPaths).toEqual(changedPaths);
    expect(result.unknownAttributes).toEqual(unknownAttributes ?? []);
    expect(resource).toEqual(before);
  });
});

describe('strict RFC mode (entraCompat: false) refuses the dialect', () => {
  it.each([
    {
      name: '"False" for a boolean',
      operations: [{ op: 'Replace', path: 'active', value: 'False' }],
      error: { status: 400, scimType: 'invalidValue' as const, detail: 'Attribute \'active\' expects a boolean, got string "False"' },
    },
    {
      name: 'manager as a bare string',
      operations: [{ op: 'replace', path: `${ENT}:manager`, value: 'm2' }],
      error: { status: 400, scimType: 'invalidValue' as const, detail: `Attribute '${ENT}:manager' expects a complex value (object), got string "m2"` },
    },
    {
      name: 'filtered replace matching nothing',
      operations: [{ op: 'replace', path: 'emails[type eq "other"].value', value: 'x@y.org' }],
      error: { status: 400, scimType: 'noTarget' as const, detail: `No entry matches 'emails[type eq "other"].value'` },
    },
    {
      name: 'filtered remove matching nothing',
      operations: [{ op: 'remove', path: 'emails[type eq "other"]' }],
      error: { status: 400, scimType: 'noTarget' as const, detail: `No entry matches 'emails[type eq "other"]'` },
    },
    {
      name: 'single entry for a multi-valued attribute',
      operations: [{ op: 'add', path: 'emails', value: { value: 'x@y.org' } }],
      error: { status: 400, scimType: 'invalidValue' as const, detail: "Attribute 'emails' expects an array, got an object" },
    },
    {
      name: 'roles as JSON text',
      operations: [{ op: 'add', path: 'roles', value: '[{"value":"Admin"}]' }],
      error: { status: 400, scimType: 'invalidValue' as const, detail: "Attribute 'roles' expects an array" },
    },
  ])('$name', ({ operations, error }) => {
    expectScimError(() => applyPatch(USER, operations, userContext, { entraCompat: false }), error);
  });

  it('keeps "" as a value', () => {
    const result = applyPatch(USER, [{ op: 'replace', path: 'title', value: '' }], userContext, { entraCompat: false });
    expect(result.resource['title']).toBe('');
    expect(result.changedPaths).toEqual(['title']);
  });

  it('still creates an entry for a filtered add', () => {
    const result = applyPatch(BARE_USER, [{ op: 'add', path: 'emails[type eq "work"].value', value: 'w@x.org' }], userContext, {
      entraCompat: false,
    });
    expect(result.resource['emails']).toEqual([{ type: 'work', value: 'w@x.org' }]);
  });
});

describe('extensions not enabled for the tenant', () => {
  const enterpriseOnly = registry.context('User', { extensions: [ENT] });
  it('reports Genesys attributes as unknown', () => {
    const result = applyPatch(
      USER,
      [
        { op: 'Add', path: `${GEN}:externalIds[authority eq 'microsoftteams'].value`, value: '29:x' },
        { op: 'add', value: { [GEN]: { externalIds: [{ authority: 'x', value: 'y' }] } } },
      ],
      enterpriseOnly,
    );
    expect(result.resource).toEqual(USER);
    expect(result.changedPaths).toEqual([]);
    expect(result.unknownAttributes).toEqual([`${GEN}:externalIds[authority eq 'microsoftteams'].value`, GEN]);
  });
});
