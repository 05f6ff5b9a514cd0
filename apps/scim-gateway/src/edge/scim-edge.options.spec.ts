import { isUnderBasePath, normaliseBasePath, resolveScimEdgeOptions, scimBaseUrl } from './scim-edge.options';

describe('SCIM base path', () => {
  it.each([
    ['/scim/v2', '/scim/v2'],
    ['scim/v2/', '/scim/v2'],
    [' /scim ', '/scim'],
    ['/', ''],
  ])('normalises %j to %j', (given, expected) => expect(normaliseBasePath(given)).toBe(expected));

  it.each([
    ['/scim/v2/Users', true],
    ['/scim/v2', true],
    ['/scim/v2/Users?filter=userName%20eq%20%22a%22', true],
    ['/scim/v2x/Users', false],
    ['/admin/v1/tenants', false],
    ['/health', false],
    ['/SCIM/v2/Users', false],
  ])('%s is under /scim/v2: %s', (url, expected) => expect(isUnderBasePath(url, '/scim/v2')).toBe(expected));

  it('refuses the root as base path, which would put /admin and /health under tenant auth', () => {
    expect(() => resolveScimEdgeOptions({ basePath: '/' })).toThrow(/must not be the root/);
  });

  it('builds meta.location bases from the request unless a public URL is configured', () => {
    expect(scimBaseUrl({ protocol: 'http', host: '127.0.0.1:3100' }, { basePath: '/scim/v2' })).toBe('http://127.0.0.1:3100/scim/v2');
    const options = resolveScimEdgeOptions({ publicBaseUrl: 'https://scim.example.com/scim/v2/' });
    expect(scimBaseUrl({ protocol: 'http', host: 'internal:3100' }, options)).toBe('https://scim.example.com/scim/v2');
  });
});
