import { applyPatch, parsePatchRequest, type JsonObject, type PatchOperationInput, type ScimErrorType } from '@app/scim';
import { ENT, expectScimError, groupContext, registry, snapshot, userContext } from '../testing/helpers';
import { BARE_USER, GROUP, USER } from '../testing/patch-fixtures';

interface ErrorCase {
  readonly name: string;
  readonly resource?: JsonObject;
  readonly operations: readonly PatchOperationInput[];
  readonly scimType: ScimErrorType;
  readonly detail: string;
}

const createOnly = registry.context('User', { mutabilityOverrides: { entitlements: 'immutable', [`${ENT}:employeeNumber`]: 'immutable' } });
const WITH_ENTITLEMENTS = { ...USER, entitlements: [{ value: 'license-a' }] };

const cases: ErrorCase[] = [
  { name: 'remove without path', operations: [{ op: 'remove' }], scimType: 'noTarget', detail: 'A remove operation requires a path' },
  { name: 'unsupported op', operations: [{ op: 'move', path: 'title' }], scimType: 'invalidSyntax', detail: 'Operations[0] has unsupported op "move"' },
  { name: 'missing op', operations: [{ path: 'title' } as unknown as PatchOperationInput], scimType: 'invalidSyntax', detail: 'must have a string "op"' },
  { name: 'add without value', operations: [{ op: 'add', path: 'title' }], scimType: 'invalidValue', detail: 'Operations[0] (add) requires a "value"' },
  { name: 'replace without value', operations: [{ op: 'replace' }], scimType: 'invalidValue', detail: '(replace) requires a "value"' },
  { name: 'path-less add with a non-object', operations: [{ op: 'add', value: 'x' }], scimType: 'invalidValue', detail: 'A add without path needs an object value' },
  { name: 'non-string path', operations: [{ op: 'add', path: 5 as unknown as string, value: 'x' }], scimType: 'invalidPath', detail: 'Operations[0].path must be a string' },
  { name: 'malformed path', operations: [{ op: 'add', path: 'emails[type eq', value: 'x' }], scimType: 'invalidPath', detail: "Expected a comparison value after 'eq'" },
  {
    name: 'unknown attribute in value filter',
    operations: [{ op: 'remove', path: 'emails[kind eq "work"]' }],
    scimType: 'invalidPath',
    detail: "Unknown attribute 'kind' of 'emails'",
  },
  {
    name: 'value filter on a single-valued attribute',
    operations: [{ op: 'remove', path: 'name[givenName eq "x"]' }],
    scimType: 'invalidPath',
    detail: "A value filter needs a multi-valued complex attribute, 'name' is not",
  },
  {
    name: 'gt on boolean in a value filter',
    operations: [{ op: 'remove', path: 'emails[primary gt true]' }],
    scimType: 'invalidPath',
    detail: "Operator 'gt' cannot be applied to boolean",
  },
  { name: 'path to readOnly id', operations: [{ op: 'replace', path: 'id', value: 'x' }], scimType: 'mutability', detail: "Attribute 'id' is readOnly" },
  {
    name: 'path to readOnly meta sub-attribute',
    operations: [{ op: 'replace', path: 'meta.lastModified', value: '2020-01-01T00:00:00Z' }],
    scimType: 'mutability',
    detail: "Attribute 'meta' is readOnly",
  },
  { name: 'path to readOnly groups', operations: [{ op: 'add', path: 'groups', value: [{ value: 'g1' }] }], scimType: 'mutability', detail: "Attribute 'groups' is readOnly" },
  { name: 'remove readOnly groups', operations: [{ op: 'remove', path: 'groups' }], scimType: 'mutability', detail: "Attribute 'groups' is readOnly" },
  {
    name: 'path to readOnly manager.displayName',
    operations: [{ op: 'replace', path: `${ENT}:manager.displayName`, value: 'x' }],
    scimType: 'mutability',
    detail: `Attribute '${ENT}:manager.displayName' is readOnly`,
  },
  {
    name: 'string that is no boolean',
    operations: [{ op: 'replace', path: 'active', value: 'yes' }],
    scimType: 'invalidValue',
    detail: 'Attribute \'active\' expects a boolean, got string "yes"',
  },
  { name: 'number for a boolean', operations: [{ op: 'replace', path: 'active', value: 1 }], scimType: 'invalidValue', detail: 'expects a boolean, got number 1' },
  {
    name: 'object for a string',
    operations: [{ op: 'replace', path: 'displayName', value: { a: 1 } }],
    scimType: 'invalidValue',
    detail: "Attribute 'displayName' expects a string, got an object",
  },
  { name: 'array for a string', operations: [{ op: 'replace', path: 'displayName', value: ['a'] }], scimType: 'invalidValue', detail: 'expects a string, got an array' },
  {
    name: 'number for a string sub-attribute',
    operations: [{ op: 'replace', path: 'name.givenName', value: 7 }],
    scimType: 'invalidValue',
    detail: "Attribute 'name.givenName' expects a string, got number 7",
  },
  {
    name: 'string for a complex attribute without value',
    operations: [{ op: 'replace', path: 'name', value: 'Babs' }],
    scimType: 'invalidValue',
    detail: "Attribute 'name' expects a complex value (object)",
  },
  {
    name: 'type mismatch inside a path-less value',
    operations: [{ op: 'replace', value: { displayName: 'ok', active: 'nope' } }],
    scimType: 'invalidValue',
    detail: "Attribute 'active' expects a boolean",
  },
  {
    name: 'type mismatch inside an entry',
    operations: [{ op: 'add', path: 'emails', value: [{ value: 'a@b', primary: 'sometimes' }] }],
    scimType: 'invalidValue',
    detail: "Attribute 'emails.primary' expects a boolean",
  },
  {
    name: 'two primaries in one request',
    operations: [
      {
        op: 'replace',
        path: 'emails',
        value: [
          { value: 'a', primary: true },
          { value: 'b', primary: true },
        ],
      },
    ],
    scimType: 'invalidValue',
    detail: "More than one entry of 'emails' is marked primary",
  },
  {
    name: 'every entry made primary',
    operations: [{ op: 'replace', path: 'emails.primary', value: true }],
    scimType: 'invalidValue',
    detail: "More than one entry of 'emails' is marked primary",
  },
  {
    name: 'filter that describes no entry',
    resource: BARE_USER,
    operations: [{ op: 'add', path: 'emails[value co "x"].type', value: 'work' }],
    scimType: 'noTarget',
    detail: 'its filter does not describe a new one',
  },
  {
    name: 'filtered entry value given as two entries',
    operations: [{ op: 'replace', path: 'emails[type eq "work"]', value: [{ value: 'a' }, { value: 'b' }] }],
    scimType: 'invalidValue',
    detail: 'give one entry object',
  },
  { name: 'extension path with a non-object', operations: [{ op: 'add', path: ENT, value: 'x' }], scimType: 'invalidValue', detail: `Extension '${ENT}' needs an object value` },
  {
    name: 'failing second operation rejects the whole PATCH',
    operations: [
      { op: 'replace', path: 'displayName', value: 'ok' },
      { op: 'replace', path: 'id', value: 'x' },
    ],
    scimType: 'mutability',
    detail: "Attribute 'id' is readOnly",
  },
];

describe('applyPatch errors', () => {
  it.each(cases)('$name → $scimType', ({ resource, operations, scimType, detail }) => {
    const target = resource ?? USER;
    const before = snapshot(target);
    expectScimError(() => applyPatch(target, operations, userContext), { status: 400, scimType, detail });
    expect(target).toEqual(before);
  });

  it('readOnly keys in a path-less value are ignored, not refused', () => {
    const result = applyPatch(USER, [{ op: 'replace', value: { id: 'x', 'meta.created': '2020-01-01T00:00:00Z' } }], userContext);
    expect(result.resource).toEqual(USER);
  });
});

describe('create-only (immutable) attributes', () => {
  it.each([
    { name: 'replace existing entitlements', operations: [{ op: 'replace', path: 'entitlements', value: [{ value: 'license-b' }] }] },
    { name: 'add another entitlement', operations: [{ op: 'add', path: 'entitlements', value: [{ value: 'license-b' }] }] },
    { name: 'remove entitlements', operations: [{ op: 'remove', path: 'entitlements' }] },
    { name: 'path-less replace', operations: [{ op: 'Replace', value: { entitlements: [{ value: 'license-c' }] } }] },
  ])('$name → 400 mutability', ({ operations }) => {
    expectScimError(() => applyPatch(WITH_ENTITLEMENTS, operations, createOnly), {
      status: 400,
      scimType: 'mutability',
      detail: "Attribute 'entitlements' is immutable and cannot be changed",
    });
  });

  it('an extension attribute overridden to immutable cannot change', () => {
    expectScimError(() => applyPatch(USER, [{ op: 'replace', path: `${ENT}:employeeNumber`, value: '1' }], createOnly), {
      status: 400,
      scimType: 'mutability',
      detail: `Attribute '${ENT}:employeeNumber' is immutable`,
    });
  });

  it('may be added when it had no value', () => {
    const result = applyPatch(USER, [{ op: 'add', path: 'entitlements', value: [{ value: 'license-a' }] }], createOnly);
    expect(result.resource['entitlements']).toEqual([{ value: 'license-a' }]);
    expect(result.changedPaths).toEqual(['entitlements']);
  });

  it('re-sending the current value is accepted', () => {
    const result = applyPatch(WITH_ENTITLEMENTS, [{ op: 'Replace', path: 'entitlements', value: [{ value: 'license-a' }] }], createOnly);
    expect(result.resource).toEqual(WITH_ENTITLEMENTS);
    expect(result.changedPaths).toEqual([]);
  });
});

describe('Group membership values are checked', () => {
  it('a member entry must be an object or an id', () => {
    expectScimError(() => applyPatch(GROUP, [{ op: 'add', path: 'members', value: [[1]] }], groupContext), {
      status: 400,
      scimType: 'invalidValue',
      detail: "Attribute 'members' expects a complex value (object), got an array",
    });
  });
});

describe('parsePatchRequest (RFC 7644 §3.5.2 message)', () => {
  const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

  it('normalises op case and keeps path and value', () => {
    expect(
      parsePatchRequest({
        schemas: [PATCH_OP],
        Operations: [
          { op: 'Replace', path: 'active', value: 'False' },
          { op: 'Remove', path: 'members', value: [{ value: 'u1' }] },
          { op: 'add', value: { nickName: 'B' } },
          { op: 'remove', path: 'title' },
        ],
      }),
    ).toEqual([
      { op: 'replace', path: 'active', value: 'False' },
      { op: 'remove', path: 'members', value: [{ value: 'u1' }] },
      { op: 'add', value: { nickName: 'B' } },
      { op: 'remove', path: 'title' },
    ]);
  });

  it('accepts member names in any case', () => {
    expect(parsePatchRequest({ Schemas: [PATCH_OP.toUpperCase()], operations: [{ Op: 'ADD', Path: 'x', Value: 1 }] })).toEqual([{ op: 'add', path: 'x', value: 1 }]);
  });

  it.each([
    { name: 'not an object', body: [], detail: 'PATCH body must be a JSON object' },
    { name: 'missing schemas', body: { Operations: [{ op: 'add', value: {} }] }, detail: `"schemas" must contain ${PATCH_OP}` },
    { name: 'wrong schema', body: { schemas: ['urn:x'], Operations: [{ op: 'add', value: {} }] }, detail: `"schemas" must contain ${PATCH_OP}` },
    { name: 'missing Operations', body: { schemas: [PATCH_OP] }, detail: '"Operations" must be a non-empty array' },
    { name: 'empty Operations', body: { schemas: [PATCH_OP], Operations: [] }, detail: '"Operations" must be a non-empty array' },
    { name: 'operation not an object', body: { schemas: [PATCH_OP], Operations: ['add'] }, detail: 'Operations[0] must be an object' },
    {
      name: 'bad op in second operation',
      body: { schemas: [PATCH_OP], Operations: [{ op: 'add', value: {} }, { op: 'copy' }] },
      detail: 'Operations[1] has unsupported op "copy"',
    },
  ])('$name → invalidSyntax', ({ body, detail }) => {
    expectScimError(() => parsePatchRequest(body), { status: 400, scimType: 'invalidSyntax', detail });
  });
});
