import { ENTERPRISE_USER_SCHEMA, GENESYS_USER_SCHEMA, GROUP_SCHEMA, LIST_RESPONSE_SCHEMA, USER_SCHEMA, type JsonObject } from '@app/scim';
import { parseConnectorProfile } from '../tenants/connector-profile';
import { DEFAULT_SCIM_DISCOVERY_OPTIONS } from './discovery.options';
import { DiscoveryService } from './discovery.service';

const base = 'https://gw.example/scim/v2';
const fuze = { profile: parseConnectorProfile({ mutabilityOverrides: { entitlements: 'immutable' } }) };
const genesys = { profile: parseConnectorProfile({ userExtensions: [ENTERPRISE_USER_SCHEMA, GENESYS_USER_SCHEMA] }) };

function attribute(schema: JsonObject, name: string): JsonObject | undefined {
  return (schema['attributes'] as JsonObject[]).find((a) => a['name'] === name);
}

describe('DiscoveryService', () => {
  const service = new DiscoveryService({ ...DEFAULT_SCIM_DISCOVERY_OPTIONS, maxResults: 150, resourceTypes: ['User', 'Group'] });

  it('publishes what is implemented (RFC 7643 §5)', () => {
    expect(service.serviceProviderConfig(base)).toMatchObject({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig', 'urn:scim-platform:schemas:extension:2.0:ServiceProviderConfig'],
      patch: { supported: true },
      bulk: { supported: false },
      filter: { supported: true, maxResults: 150 },
      changePassword: { supported: false },
      sort: { supported: true },
      etag: { supported: true },
      authenticationSchemes: [expect.objectContaining({ type: 'oauthbearertoken', primary: true })],
      meta: { resourceType: 'ServiceProviderConfig', location: `${base}/ServiceProviderConfig` },
    });
  });

  it("shows the tenant's RFC strictness in a ServiceProviderConfig extension", () => {
    const strict = { profile: parseConnectorProfile({ strictness: 'rfc7644' }) };
    expect(service.serviceProviderConfig(base, strict)['urn:scim-platform:schemas:extension:2.0:ServiceProviderConfig']).toMatchObject({
      strictness: 'rfc7644',
      unknownAttributes: 'strict',
    });
    expect(service.serviceProviderConfig(base, fuze)['urn:scim-platform:schemas:extension:2.0:ServiceProviderConfig']).toMatchObject({
      strictness: 'entra',
      unknownAttributes: 'ignore',
    });
  });

  it('lists the client credentials grant beside the static bearer token when a token endpoint is configured', () => {
    const withOAuth = new DiscoveryService({ ...DEFAULT_SCIM_DISCOVERY_OPTIONS, tokenEndpoint: 'https://gw.example/oauth/v1/token' });
    const schemes = withOAuth.serviceProviderConfig(base)['authenticationSchemes'] as JsonObject[];
    expect(schemes.map((s) => [s['type'], s['primary']])).toEqual([
      ['oauthbearertoken', true],
      ['oauth2', false],
    ]);
    expect(String(schemes[1]['description'])).toContain('https://gw.example/oauth/v1/token');
  });

  it("lists only the tenant's schemas, with its overrides applied", () => {
    const list = service.schemas(fuze, base);
    expect(list.schemas).toEqual([LIST_RESPONSE_SCHEMA]);
    expect(list.Resources.map((s) => s['id'])).toEqual([USER_SCHEMA, ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA]);
    expect(list.totalResults).toBe(3);
    const user = service.schema(fuze, USER_SCHEMA.toLowerCase(), base);
    expect(attribute(user, 'entitlements')?.['mutability']).toBe('immutable');
    expect(attribute(service.schema(genesys, USER_SCHEMA, base), 'entitlements')?.['mutability']).toBe('readWrite');
    expect(user['meta']).toEqual({ resourceType: 'Schema', location: `${base}/Schemas/${USER_SCHEMA}` });
  });

  it('hides another tenant’s extension: 404', () => {
    expect(service.schemas(genesys, base).Resources.map((s) => s['id'])).toContain(GENESYS_USER_SCHEMA);
    expect(() => service.schema(fuze, GENESYS_USER_SCHEMA, base)).toThrow(expect.objectContaining({ status: 404 }));
  });

  it('describes resource types with the enabled extensions only (RFC 7643 §6)', () => {
    const user = service.resourceType(fuze, 'user', base);
    expect(user).toMatchObject({ id: 'User', endpoint: '/Users', schema: USER_SCHEMA, schemaExtensions: [{ schema: ENTERPRISE_USER_SCHEMA, required: false }] });
    expect(service.resourceType(genesys, 'User', base)['schemaExtensions']).toHaveLength(2);
    expect(service.resourceTypes(fuze, base).Resources.map((t) => t['id'])).toEqual(['User', 'Group']);
    expect(() => service.resourceType(fuze, 'Device', base)).toThrow(expect.objectContaining({ status: 404 }));
  });

  it('leaves out resource types the deployment does not route', () => {
    const usersOnly = new DiscoveryService({ ...DEFAULT_SCIM_DISCOVERY_OPTIONS, resourceTypes: ['User'] });
    expect(usersOnly.resourceTypes(fuze, base).Resources.map((t) => t['id'])).toEqual(['User']);
    expect(() => usersOnly.schema(fuze, GROUP_SCHEMA, base)).toThrow(expect.objectContaining({ status: 404 }));
  });
});
