import { contextSchemaResources, SchemaRegistry, toResourceTypeResource, toSchemaResource, USER_SCHEMA_DEFINITION, type AttributeDefinition, type JsonObject } from '@app/scim';
import { CORE_GROUP, CORE_USER, ENT, GEN, registry, userContext } from '../testing/helpers';

describe('SchemaContext.resolve', () => {
  it.each([
    { input: 'userName', path: 'userName', type: 'string', schema: CORE_USER },
    { input: 'USERNAME', path: 'userName', type: 'string', schema: CORE_USER },
    { input: 'name.givenname', path: 'name.givenName', type: 'string', schema: CORE_USER },
    { input: `${CORE_USER}:name.givenName`, path: 'name.givenName', type: 'string', schema: CORE_USER },
    { input: `${CORE_USER.toUpperCase()}:userName`, path: 'userName', type: 'string', schema: CORE_USER },
    { input: 'id', path: 'id', type: 'string', schema: CORE_USER },
    { input: 'meta.lastModified', path: 'meta.lastModified', type: 'dateTime', schema: CORE_USER },
    { input: 'emails.primary', path: 'emails.primary', type: 'boolean', schema: CORE_USER },
    { input: 'members.$ref', path: undefined, type: undefined, schema: undefined },
    { input: `${ENT}:manager.value`, path: `${ENT}:manager.value`, type: 'string', schema: ENT },
    { input: `${ENT}:Manager.Value`, path: `${ENT}:manager.value`, type: 'string', schema: ENT },
    { input: `${ENT}:employeeNumber`, path: `${ENT}:employeeNumber`, type: 'string', schema: ENT },
    { input: `${GEN}:externalIds.authority`, path: `${GEN}:externalIds.authority`, type: 'string', schema: GEN },
    { input: 'employeeNumber', path: undefined, type: undefined, schema: undefined },
    { input: 'name.nope', path: undefined, type: undefined, schema: undefined },
    { input: 'userName.value', path: undefined, type: undefined, schema: undefined },
    { input: `${CORE_GROUP}:displayName`, path: undefined, type: undefined, schema: undefined },
    { input: 'not a path', path: undefined, type: undefined, schema: undefined },
  ])('$input', ({ input, path, type, schema }) => {
    const resolved = userContext.resolve(input);
    expect(resolved ? { path: resolved.path, type: resolved.definition.type, schema: resolved.schemaUrn } : undefined).toEqual(
      path === undefined ? undefined : { path, type, schema },
    );
  });

  it('only enabled extensions resolve', () => {
    const context = registry.context('User', { extensions: [ENT] });
    expect(context.resolve(`${ENT}:department`)?.path).toBe(`${ENT}:department`);
    expect(context.resolve(`${GEN}:externalIds`)).toBeUndefined();
    expect(context.schemaUrns).toEqual([CORE_USER, ENT]);
  });

  it('keeps declaration order whatever order extensions are listed in', () => {
    expect(registry.context('User', { extensions: [GEN, ENT] }).schemaUrns).toEqual([CORE_USER, ENT, GEN]);
  });

  it('finds schemas ignoring case', () => {
    expect(userContext.findSchema(ENT.toLowerCase())?.id).toBe(ENT);
    expect(userContext.findExtension(CORE_USER)).toBeUndefined();
  });

  it.each([
    { name: 'unknown resource type', run: () => registry.context('Device'), message: 'Unknown resource type Device' },
    { name: 'undeclared extension', run: () => registry.context('Group', { extensions: [ENT] }), message: `Extension ${ENT} is not declared` },
    {
      name: 'override of unknown attribute',
      run: () => registry.context('User', { mutabilityOverrides: { nope: 'immutable' } }),
      message: 'Mutability override names unknown attribute nope',
    },
  ])('configuration error: $name', ({ run, message }) => {
    expect(run).toThrow(message);
  });
});

describe('User schema (RFC 7643 §4.1)', () => {
  const byName = (name: string): AttributeDefinition => USER_SCHEMA_DEFINITION.attributes.find((a) => a.name === name)!;

  it('defines every §4.1 attribute in order', () => {
    expect(USER_SCHEMA_DEFINITION.attributes.map((a) => a.name)).toEqual([
      'userName',
      'name',
      'displayName',
      'nickName',
      'profileUrl',
      'title',
      'userType',
      'preferredLanguage',
      'locale',
      'timezone',
      'active',
      'password',
      'emails',
      'phoneNumbers',
      'ims',
      'photos',
      'addresses',
      'groups',
      'entitlements',
      'roles',
      'x509Certificates',
    ]);
  });

  it.each([
    { name: 'userName', expected: { type: 'string', required: true, caseExact: false, uniqueness: 'server', mutability: 'readWrite' } },
    { name: 'password', expected: { mutability: 'writeOnly', returned: 'never' } },
    { name: 'groups', expected: { mutability: 'readOnly', multiValued: true } },
    { name: 'active', expected: { type: 'boolean' } },
    { name: 'profileUrl', expected: { type: 'reference', referenceTypes: ['external'] } },
    { name: 'x509Certificates', expected: { multiValued: true, type: 'complex' } },
  ])('$name characteristics', ({ name, expected }) => {
    expect(byName(name)).toMatchObject(expected);
  });

  it('name has the six §4.1.1 sub-attributes', () => {
    expect(byName('name').subAttributes!.map((s) => s.name)).toEqual(['formatted', 'familyName', 'givenName', 'middleName', 'honorificPrefix', 'honorificSuffix']);
  });

  it('phone types are advisory canonical values', () => {
    const type = byName('phoneNumbers').subAttributes!.find((s) => s.name === 'type')!;
    expect(type.canonicalValues).toEqual(['work', 'home', 'mobile', 'fax', 'pager', 'other']);
  });
});

describe('/Schemas representation (RFC 7643 §7)', () => {
  it('renders the enterprise extension completely', () => {
    const characteristics = (name: string, type: string, description: string, extra: JsonObject = {}): JsonObject => ({
      name,
      type,
      multiValued: false,
      description,
      required: false,
      caseExact: false,
      mutability: 'readWrite',
      returned: 'default',
      uniqueness: 'none',
      ...extra,
    });
    expect(toSchemaResource(registry.getSchema(ENT)!, 'https://scim.example.com/v2/')).toEqual({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'],
      id: ENT,
      name: 'EnterpriseUser',
      description: 'Enterprise User',
      attributes: [
        characteristics('employeeNumber', 'string', 'Numeric or alphanumeric identifier assigned to a person.'),
        characteristics('costCenter', 'string', 'Identifies the name of a cost center.'),
        characteristics('organization', 'string', 'Identifies the name of an organization.'),
        characteristics('division', 'string', 'Identifies the name of a division.'),
        characteristics('department', 'string', 'Identifies the name of a department.'),
        characteristics('manager', 'complex', "The user's manager.", {
          subAttributes: [
            characteristics('value', 'string', "The id of the user's manager."),
            characteristics('$ref', 'reference', 'URI of the manager resource.', { referenceTypes: ['User'] }),
            characteristics('displayName', 'string', "The manager's display name.", { mutability: 'readOnly' }),
          ],
        }),
      ],
      meta: { resourceType: 'Schema', location: `https://scim.example.com/v2/Schemas/${ENT}` },
    });
  });

  it('publishes tenant mutability overrides (create-only entitlements → immutable)', () => {
    const context = registry.context('User', {
      mutabilityOverrides: { entitlements: 'immutable', 'name.givenName': 'immutable', [`${ENT}:employeeNumber`]: 'immutable', externalId: 'immutable' },
    });
    const [core, ent] = contextSchemaResources(context);
    const attrs = (resource: JsonObject | undefined) => resource!['attributes'] as JsonObject[];
    const find = (list: JsonObject[], name: string) => list.find((a) => a['name'] === name)!;
    expect(find(attrs(core), 'entitlements')['mutability']).toBe('immutable');
    expect(find(attrs(core), 'roles')['mutability']).toBe('readWrite');
    const name = find(attrs(core), 'name');
    expect((name['subAttributes'] as JsonObject[]).map((s) => [s['name'], s['mutability']])).toEqual([
      ['formatted', 'readWrite'],
      ['familyName', 'readWrite'],
      ['givenName', 'immutable'],
      ['middleName', 'readWrite'],
      ['honorificPrefix', 'readWrite'],
      ['honorificSuffix', 'readWrite'],
    ]);
    expect(find(attrs(ent), 'employeeNumber')['mutability']).toBe('immutable');
    expect(context.resolve('externalId')?.definition.mutability).toBe('immutable');
    // The registry's own definitions are untouched.
    expect(userContext.resolve('entitlements')?.definition.mutability).toBe('readWrite');
  });

  it('lists the core schema then enabled extensions', () => {
    expect(contextSchemaResources(userContext).map((s) => s['id'])).toEqual([CORE_USER, ENT, GEN]);
    expect(contextSchemaResources(registry.context('User', { extensions: [] })).map((s) => s['id'])).toEqual([CORE_USER]);
  });

  it('renders resource types (RFC 7643 §6)', () => {
    expect(toResourceTypeResource(registry.getResourceType('user')!, 'https://h/scim', [ENT])).toEqual({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
      id: 'User',
      name: 'User',
      endpoint: '/Users',
      description: 'User Account',
      schema: CORE_USER,
      schemaExtensions: [{ schema: ENT, required: false }],
      meta: { resourceType: 'ResourceType', location: 'https://h/scim/ResourceTypes/User' },
    });
  });

  it('rejects resource types naming unregistered schemas', () => {
    expect(() => new SchemaRegistry([], [registry.getResourceType('Group')!])).toThrow(`Resource type Group refers to unregistered schema ${CORE_GROUP}`);
  });
});
