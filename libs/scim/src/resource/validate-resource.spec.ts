import { validateResource, type JsonObject, type ScimErrorType } from '@app/scim';
import { CORE_GROUP, CORE_USER, ENT, expectScimError, GEN, groupContext, registry, userContext } from '../testing/helpers';

interface ValidCase {
  readonly name: string;
  readonly body: JsonObject;
  readonly expected: JsonObject;
  readonly unknownAttributes?: readonly string[];
  readonly group?: boolean;
}

const validCases: ValidCase[] = [
  {
    name: 'Entra user creation',
    body: {
      schemas: [CORE_USER, ENT],
      externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
      userName: 'Test_User_ab6490ee@testuser.com',
      active: true,
      emails: [{ primary: true, type: 'work', value: 'Test_User_fd0ea19b@testuser.com' }],
      meta: { resourceType: 'User' },
      name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
      roles: [],
    },
    expected: {
      schemas: [CORE_USER, ENT],
      externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
      userName: 'Test_User_ab6490ee@testuser.com',
      active: true,
      emails: [{ primary: true, type: 'work', value: 'Test_User_fd0ea19b@testuser.com' }],
      name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
    },
  },
  {
    name: 'attribute names are matched ignoring case and stored canonically',
    body: { Schemas: [CORE_USER], UserName: 'a', NAME: { GivenName: 'A' }, Emails: [{ VALUE: 'a@x', Type: 'work' }] },
    expected: { schemas: [CORE_USER], userName: 'a', name: { givenName: 'A' }, emails: [{ value: 'a@x', type: 'work' }] },
  },
  {
    name: 'readOnly input (id, meta, groups, manager.displayName) is dropped',
    body: {
      schemas: [CORE_USER, ENT],
      id: 'client-chosen',
      userName: 'a',
      groups: [{ value: 'g1' }],
      meta: { created: '2020-01-01T00:00:00Z' },
      [ENT]: { manager: { value: 'm1', displayName: 'Boss' } },
    },
    expected: { schemas: [CORE_USER, ENT], userName: 'a', [ENT]: { manager: { value: 'm1' } } },
  },
  {
    name: 'Entra quirks: boolean strings and a bare-string manager',
    body: { schemas: [CORE_USER, ENT], userName: 'a', active: 'False', [ENT]: { manager: 'm1', department: 'Ops' } },
    expected: { schemas: [CORE_USER, ENT], userName: 'a', active: false, [ENT]: { manager: { value: 'm1' }, department: 'Ops' } },
  },
  {
    name: 'extension data adds its URN to schemas',
    body: { schemas: [CORE_USER], userName: 'a', [GEN]: { externalIds: [{ authority: 'microsoftteams', value: '29:x' }] } },
    expected: { schemas: [CORE_USER, GEN], userName: 'a', [GEN]: { externalIds: [{ authority: 'microsoftteams', value: '29:x' }] } },
  },
  {
    name: 'listed extensions stay in schemas in declaration order',
    body: { schemas: [GEN, CORE_USER, ENT.toLowerCase()], userName: 'a' },
    expected: { schemas: [CORE_USER, ENT, GEN], userName: 'a' },
  },
  {
    name: 'unknown attributes are reported and not stored',
    body: {
      schemas: [CORE_USER, ENT],
      userName: 'a',
      shoeSize: 42,
      name: { givenName: 'A', nick: 'x' },
      [ENT]: { department: 'Ops', badge: 7 },
      'urn:example:ext:1.0:User': { color: 'red' },
    },
    expected: { schemas: [CORE_USER, ENT], userName: 'a', name: { givenName: 'A' }, [ENT]: { department: 'Ops' } },
    unknownAttributes: ['shoeSize', 'name.nick', `${ENT}:badge`, 'urn:example:ext:1.0:User'],
  },
  {
    name: 'URN-qualified core attribute names',
    body: { schemas: [CORE_USER], [`${CORE_USER}:userName`]: 'a', [`${CORE_USER}:displayName`]: 'A' },
    expected: { schemas: [CORE_USER], userName: 'a', displayName: 'A' },
  },
  {
    name: 'null means unassigned',
    body: { schemas: [CORE_USER], userName: 'a', title: null, name: { givenName: 'A', middleName: null }, emails: null },
    expected: { schemas: [CORE_USER], userName: 'a', name: { givenName: 'A' } },
  },
  {
    name: 'values are stored as sent: non-canonical types, empty strings, password',
    body: {
      schemas: [CORE_USER],
      userName: 'MiXeD@Case',
      title: '',
      password: 'secret',
      phoneNumbers: [
        { value: '1', type: 'work3' },
        { value: '2', type: 'microsoftteams' },
      ],
    },
    expected: {
      schemas: [CORE_USER],
      userName: 'MiXeD@Case',
      title: '',
      password: 'secret',
      phoneNumbers: [
        { value: '1', type: 'work3' },
        { value: '2', type: 'microsoftteams' },
      ],
    },
  },
  {
    name: 'Group with members',
    group: true,
    body: { schemas: [CORE_GROUP], displayName: 'Sales', externalId: 'g-ext', members: [{ value: 'u1' }, { value: 'u2', type: 'User' }] },
    expected: { schemas: [CORE_GROUP], displayName: 'Sales', externalId: 'g-ext', members: [{ value: 'u1' }, { value: 'u2', type: 'User' }] },
  },
];

describe('validateResource (POST)', () => {
  it.each(validCases)('$name', ({ body, expected, unknownAttributes, group }) => {
    const result = validateResource(body, group ? groupContext : userContext);
    expect(result.resource).toEqual(expected);
    expect(result.unknownAttributes).toEqual(unknownAttributes ?? []);
  });
});

interface ErrorCase {
  readonly name: string;
  readonly body: unknown;
  readonly scimType: ScimErrorType;
  readonly detail: string;
  readonly group?: boolean;
  readonly strict?: boolean;
}

const errorCases: ErrorCase[] = [
  { name: 'body is not an object', body: ['x'], scimType: 'invalidSyntax', detail: 'Request body must be a JSON object' },
  { name: 'missing schemas', body: { userName: 'a' }, scimType: 'invalidSyntax', detail: '"schemas" must be a non-empty array' },
  { name: 'schemas not an array', body: { schemas: CORE_USER, userName: 'a' }, scimType: 'invalidSyntax', detail: '"schemas" must be a non-empty array' },
  { name: 'empty schemas', body: { schemas: [], userName: 'a' }, scimType: 'invalidSyntax', detail: '"schemas" must be a non-empty array' },
  { name: 'core schema missing', body: { schemas: [ENT], userName: 'a' }, scimType: 'invalidSyntax', detail: `"schemas" must contain ${CORE_USER}` },
  {
    name: 'unknown schema URN',
    body: { schemas: [CORE_USER, 'urn:example:x'], userName: 'a' },
    scimType: 'invalidValue',
    detail: "Schema 'urn:example:x' is not supported for User",
  },
  { name: 'Group schema on a User', body: { schemas: [CORE_GROUP], displayName: 'x' }, scimType: 'invalidValue', detail: `Schema '${CORE_GROUP}' is not supported for User` },
  { name: 'missing userName', body: { schemas: [CORE_USER], displayName: 'x' }, scimType: 'invalidValue', detail: "Attribute 'userName' is required" },
  { name: 'empty userName', body: { schemas: [CORE_USER], userName: '' }, scimType: 'invalidValue', detail: "Attribute 'userName' is required" },
  { name: 'null userName', body: { schemas: [CORE_USER], userName: null }, scimType: 'invalidValue', detail: "Attribute 'userName' is required" },
  { name: 'Group without displayName', group: true, body: { schemas: [CORE_GROUP], members: [] }, scimType: 'invalidValue', detail: "Attribute 'displayName' is required" },
  {
    name: 'member without value',
    group: true,
    body: { schemas: [CORE_GROUP], displayName: 'x', members: [{ type: 'User' }] },
    scimType: 'invalidValue',
    detail: "Each entry of 'members' requires 'value'",
  },
  { name: 'string that is no boolean', body: { schemas: [CORE_USER], userName: 'a', active: 'yes' }, scimType: 'invalidValue', detail: "Attribute 'active' expects a boolean" },
  { name: 'number for a string', body: { schemas: [CORE_USER], userName: 42 }, scimType: 'invalidValue', detail: "Attribute 'userName' expects a string, got number 42" },
  { name: 'string for name', body: { schemas: [CORE_USER], userName: 'a', name: 'A B' }, scimType: 'invalidValue', detail: "Attribute 'name' expects a complex value (object)" },
  {
    name: 'certificate that is not base64',
    body: { schemas: [CORE_USER], userName: 'a', x509Certificates: [{ value: 'not base64!' }] },
    scimType: 'invalidValue',
    detail: "Attribute 'x509Certificates.value' expects base64 text",
  },
  {
    name: 'two primary emails',
    body: {
      schemas: [CORE_USER],
      userName: 'a',
      emails: [
        { value: 'a', primary: true },
        { value: 'b', primary: true },
      ],
    },
    scimType: 'invalidValue',
    detail: "More than one entry of 'emails' is marked primary",
  },
  {
    name: 'extension that is not an object',
    body: { schemas: [CORE_USER, ENT], userName: 'a', [ENT]: 'x' },
    scimType: 'invalidValue',
    detail: `Extension '${ENT}' must be an object`,
  },
  {
    name: 'strict: boolean string',
    strict: true,
    body: { schemas: [CORE_USER], userName: 'a', active: 'True' },
    scimType: 'invalidValue',
    detail: 'Attribute \'active\' expects a boolean, got string "True"',
  },
  {
    name: 'strict: single entry for emails',
    strict: true,
    body: { schemas: [CORE_USER], userName: 'a', emails: { value: 'a@x' } },
    scimType: 'invalidValue',
    detail: "Attribute 'emails' expects an array",
  },
  {
    name: 'strict: bare manager',
    strict: true,
    body: { schemas: [CORE_USER, ENT], userName: 'a', [ENT]: { manager: 'm1' } },
    scimType: 'invalidValue',
    detail: `Attribute '${ENT}:manager' expects a complex value`,
  },
];

describe('validateResource errors', () => {
  it.each(errorCases)('$name → $scimType', ({ body, scimType, detail, group, strict }) => {
    expectScimError(() => validateResource(body, group ? groupContext : userContext, { entraCompat: !strict }), {
      status: 400,
      scimType,
      detail,
    });
  });

  it('names the type of a bad password, never its value', () => {
    let detail = '';
    try {
      validateResource({ schemas: [CORE_USER], userName: 'a', password: 98765432 }, userContext);
    } catch (err) {
      detail = (err as Error).message;
    }
    expect(detail).toContain("Attribute 'password' expects a string, got a number");
    expect(detail).not.toContain('98765432');
  });

  it('disabled extensions are unsupported schemas', () => {
    expectScimError(() => validateResource({ schemas: [CORE_USER, GEN], userName: 'a' }, registry.context('User', { extensions: [ENT] })), {
      status: 400,
      scimType: 'invalidValue',
      detail: `Schema '${GEN}' is not supported for User`,
    });
  });
});

describe('validateResource (PUT) keeps immutable attributes', () => {
  const createOnly = registry.context('User', { mutabilityOverrides: { entitlements: 'immutable' } });
  const existing: JsonObject = { schemas: [CORE_USER], id: 'u1', userName: 'a', entitlements: [{ value: 'lic-a' }] };

  it.each([
    {
      name: 'omitted immutable value is carried over',
      body: { schemas: [CORE_USER], userName: 'b' },
      expected: { schemas: [CORE_USER], userName: 'b', entitlements: [{ value: 'lic-a' }] },
    },
    {
      name: 'same immutable value is accepted',
      body: { schemas: [CORE_USER], userName: 'b', entitlements: [{ value: 'lic-a' }] },
      expected: { schemas: [CORE_USER], userName: 'b', entitlements: [{ value: 'lic-a' }] },
    },
  ])('$name', ({ body, expected }) => {
    expect(validateResource(body, createOnly, { mode: 'replace', existing }).resource).toEqual(expected);
  });

  it('a different immutable value is 400 mutability', () => {
    expectScimError(() => validateResource({ schemas: [CORE_USER], userName: 'b', entitlements: [{ value: 'lic-b' }] }, createOnly, { mode: 'replace', existing }), {
      status: 400,
      scimType: 'mutability',
      detail: "Attribute 'entitlements' is immutable and cannot be changed",
    });
  });

  it('immutable values may be set on creation', () => {
    const result = validateResource({ schemas: [CORE_USER], userName: 'b', entitlements: [{ value: 'lic-b' }] }, createOnly);
    expect(result.resource['entitlements']).toEqual([{ value: 'lic-b' }]);
  });
});
