import { ENTERPRISE_USER_SCHEMA, GENESYS_USER_SCHEMA } from '@app/scim';
import { GatewayError } from '../errors/gateway-error';
import { connectorProfileToJson, parseConnectorProfile } from './connector-profile';
import { schemaProfileOf } from './schema-profile';

function problemsOf(json: unknown): string[] {
  try {
    parseConnectorProfile(json);
  } catch (error) {
    if (error instanceof GatewayError) return error.problems ?? [];
    throw error;
  }
  return [];
}

describe('connector profile', () => {
  it('fills every default for an empty profile', () => {
    expect(connectorProfileToJson(parseConnectorProfile({}))).toEqual({
      userExtensions: [ENTERPRISE_USER_SCHEMA],
      mutabilityOverrides: {},
      customSchemas: [],
      unknownAttributes: 'ignore',
      strictness: 'entra',
      groups: { mode: 'full' },
      managedResources: false,
    });
    expect(connectorProfileToJson(parseConnectorProfile(undefined)).userExtensions).toEqual([ENTERPRISE_USER_SCHEMA]);
  });

  it('accepts the seed profiles: Fuze, Genesys, Fulcrum', () => {
    const fuze = parseConnectorProfile({ mutabilityOverrides: { entitlements: 'immutable' }, rateLimit: { requestsPerSecond: 10, burst: 10 }, maxWritesInFlight: 5 });
    expect(fuze.rateLimit).toEqual({ requestsPerSecond: 10, burst: 10 });
    expect(fuze.mutabilityOverrides).toEqual({ entitlements: 'immutable' });
    const genesys = parseConnectorProfile({ userExtensions: [ENTERPRISE_USER_SCHEMA, GENESYS_USER_SCHEMA], groups: { mode: 'update-only' } });
    expect(genesys.groups.mode).toBe('update-only');
    expect(parseConnectorProfile({ managedResources: true }).managedResources).toBe(true);
  });

  it('stores extension URNs and override paths in their canonical spelling', () => {
    const profile = parseConnectorProfile({
      userExtensions: [ENTERPRISE_USER_SCHEMA.toUpperCase()],
      mutabilityOverrides: { Entitlements: 'immutable', [`${ENTERPRISE_USER_SCHEMA}:EmployeeNumber`]: 'immutable', 'name.GivenName': 'readWrite' },
    });
    expect(profile.userExtensions).toEqual([ENTERPRISE_USER_SCHEMA]);
    expect(profile.mutabilityOverrides).toEqual({
      entitlements: 'immutable',
      [`${ENTERPRISE_USER_SCHEMA}:employeeNumber`]: 'immutable',
      'name.givenName': 'readWrite',
    });
  });

  it.each([
    ['not an object', [], /must be a JSON object/],
    ['a misspelt key', { ratelimit: { requestsPerSecond: 1, burst: 1 } }, /ratelimit: property .*should not exist/],
    ['an unknown extension', { userExtensions: ['urn:example:ext'] }, /urn:example:ext is not a User extension/],
    ['duplicate extensions', { userExtensions: [ENTERPRISE_USER_SCHEMA, ENTERPRISE_USER_SCHEMA] }, /userExtensions: .*unique/],
    ['an unknown override target', { mutabilityOverrides: { favouriteColour: 'immutable' } }, /favouriteColour: no such User attribute/],
    [
      'an override of an extension that is not enabled',
      { userExtensions: [], mutabilityOverrides: [`${GENESYS_USER_SCHEMA}:externalIds`].reduce((o, k) => ({ ...o, [k]: 'immutable' }), {}) },
      /no such User attribute/,
    ],
    ['an unknown mutability', { mutabilityOverrides: { entitlements: 'createOnly' } }, /entitlements: must be one of readOnly, readWrite, immutable, writeOnly/],
    ['making a server-assigned attribute writable', { mutabilityOverrides: { id: 'readWrite' } }, /id: is readOnly/],
    ['an unknown unknownAttributes policy', { unknownAttributes: 'lenient' }, /unknownAttributes: must be one of the following values: ignore, strict/],
    ['a zero rate', { rateLimit: { requestsPerSecond: 0, burst: 1 } }, /rateLimit.requestsPerSecond: must not be less than 1/],
    ['a string rate', { rateLimit: { requestsPerSecond: '10', burst: 1 } }, /rateLimit.requestsPerSecond: must be an integer/],
    ['a rate without burst', { rateLimit: { requestsPerSecond: 10 } }, /rateLimit.burst/],
    ['an unknown group mode', { groups: { mode: 'create-only' } }, /groups.mode: must be one of the following values: full, update-only/],
    ['a non-boolean managedResources', { managedResources: 'yes' }, /managedResources: must be a boolean/],
    ['a fractional maxWritesInFlight', { maxWritesInFlight: 2.5 }, /maxWritesInFlight: must be an integer/],
  ])('refuses %s', (_name, json, expected) => {
    const problems = problemsOf(json);
    expect(problems.join('\n')).toMatch(expected);
  });

  it('names every problem at once', () => {
    expect(problemsOf({ unknownAttributes: 'x', groups: { mode: 'y' }, managedResources: 1 })).toHaveLength(3);
  });

  it('gives the owning services the schema part (SchemaProfile of libs/contracts)', () => {
    const profile = parseConnectorProfile({ userExtensions: [GENESYS_USER_SCHEMA], mutabilityOverrides: { entitlements: 'immutable' }, unknownAttributes: 'strict' });
    expect(schemaProfileOf({ profile })).toEqual({
      extensions: [GENESYS_USER_SCHEMA],
      mutabilityOverrides: { entitlements: 'immutable' },
      unknownAttributes: 'strict',
      strictness: 'entra',
    });
    // RFC 7644 as written refuses unknown attributes whatever unknownAttributes says.
    expect(schemaProfileOf({ profile: parseConnectorProfile({ strictness: 'rfc7644' }) })).toMatchObject({ unknownAttributes: 'strict', strictness: 'rfc7644' });
  });

  it('takes tenant-defined extension schemas, in canonical form, and overrides on their attributes', () => {
    const urn = 'urn:example:params:scim:schemas:extension:acme:2.0:User';
    const profile = parseConnectorProfile({
      customSchemas: [
        {
          id: urn,
          name: 'Acme',
          attributes: [
            { name: 'badge', type: 'string', uniqueness: 'server', caseExact: true },
            { name: 'level', type: 'integer' },
          ],
        },
      ],
      mutabilityOverrides: { [`${urn}:Badge`]: 'immutable' },
    });
    expect(profile.customSchemas[0]).toMatchObject({
      id: urn,
      name: 'Acme',
      attributes: [
        { name: 'badge', type: 'string', uniqueness: 'server', caseExact: true, multiValued: false, mutability: 'readWrite' },
        { name: 'level', type: 'integer' },
      ],
    });
    expect(profile.mutabilityOverrides).toEqual({ [`${urn}:badge`]: 'immutable' });
    expect(schemaProfileOf({ profile }).customSchemas).toHaveLength(1);
  });

  it.each([
    ['a core URN', { id: 'urn:ietf:params:scim:schemas:core:2.0:User', name: 'x', attributes: [{ name: 'a', type: 'string' }] }, /defined by RFC 7643/],
    ['a name that is no attribute name', { id: 'urn:example:x', name: 'x', attributes: [{ name: '1st', type: 'string' }] }, /attribute name/],
    ['an unknown type', { id: 'urn:example:x', name: 'x', attributes: [{ name: 'a', type: 'text' }] }, /type: one of/],
    ['a unique list', { id: 'urn:example:x', name: 'x', attributes: [{ name: 'a', type: 'string', multiValued: true, uniqueness: 'server' }] }, /uniqueness/],
    [
      'nested complex attributes',
      {
        id: 'urn:example:x',
        name: 'x',
        attributes: [{ name: 'a', type: 'complex', subAttributes: [{ name: 'b', type: 'complex', subAttributes: [{ name: 'c', type: 'string' }] }] }],
      },
      /cannot be complex/,
    ],
    [
      'a repeated attribute',
      {
        id: 'urn:example:x',
        name: 'x',
        attributes: [
          { name: 'a', type: 'string' },
          { name: 'A', type: 'string' },
        ],
      },
      /defined twice/,
    ],
  ])('refuses a custom schema with %s', (_name, schema, expected) => {
    expect(problemsOf({ customSchemas: [schema] }).join('\n')).toMatch(expected);
  });

  it('refuses an unknown strictness', () => {
    expect(problemsOf({ strictness: 'lenient' }).join('\n')).toMatch(/strictness: must be one of the following values: entra, rfc7644/);
  });
});
