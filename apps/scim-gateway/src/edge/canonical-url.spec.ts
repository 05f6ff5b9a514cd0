import { canonicalScimUrl } from './canonical-url';

describe('canonicalScimUrl (Microsoft reference routing: case-insensitive endpoints, trailing slash tolerated)', () => {
  it.each([
    ['/scim/v2/users', '/scim/v2/Users'],
    ['/scim/v2/Users/', '/scim/v2/Users'],
    ['/scim/v2/Users/?filter=DisplayName+eq+"BobIsAmazing"', '/scim/v2/Users?filter=DisplayName+eq+"BobIsAmazing"'],
    ['/scim/v2/users//', '/scim/v2/Users'],
    ['/scim/v2/GROUPS/3f0c/?attributes=members', '/scim/v2/Groups/3f0c?attributes=members'],
    ['/scim/v2/serviceproviderconfig', '/scim/v2/ServiceProviderConfig'],
    ['/scim/v2/schemas/urn:ietf:params:scim:schemas:core:2.0:User', '/scim/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:User'],
    ['/scim/v2/resourcetypes/user', '/scim/v2/ResourceTypes/user'],
    ['/scim/v2/bulk', '/scim/v2/Bulk'],
    ['/scim/v2/users/.SEARCH', '/scim/v2/Users/.search'],
    ['/scim/v2/Users/AbC-Id', '/scim/v2/Users/AbC-Id'],
    ['/scim/v2/', '/scim/v2'],
    ['/scim/v2/Devices', '/scim/v2/Devices'],
    // Outside the base path nothing changes, and the base path itself stays exact.
    ['/SCIM/v2/users', '/SCIM/v2/users'],
    ['/scim/v2x/users', '/scim/v2x/users'],
    ['/admin/v1/tenants/', '/admin/v1/tenants/'],
    ['/health', '/health'],
  ])('%s → %s', (given, expected) => expect(canonicalScimUrl(given, '/scim/v2')).toBe(expected));

  it('keeps a slash inside the query string', () => {
    expect(canonicalScimUrl('/scim/v2/users/?filter=a/', '/scim/v2')).toBe('/scim/v2/Users?filter=a/');
  });
});
