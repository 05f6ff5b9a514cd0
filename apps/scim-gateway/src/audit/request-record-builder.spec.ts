import { REDACTED } from '@app/contracts';
import { auditedBody, buildRequestRecord, namedUser, operationOf, redactSecrets, resourceIdsOf, type ObservedRequest } from './request-record-builder';

function observed(overrides: Partial<ObservedRequest> = {}): ObservedRequest {
  return {
    receivedAt: new Date('2026-11-23T10:00:00.000Z'),
    method: 'POST',
    url: '/scim/v2/Users',
    route: '/scim/v2/Users',
    params: {},
    status: 201,
    latencyMs: 12.3456,
    correlationId: 'corr-1',
    clientRequestId: 'entra-1',
    tenantId: 'tenant-a',
    tokenId: 'token-a',
    requestBody: { userName: 'ada@example.com', externalId: 'ext-1', password: 'hunter2' },
    requestBytes: 80,
    responsePayload: JSON.stringify({ id: 'u-1', userName: 'ada@example.com' }),
    ...overrides,
  };
}

describe('buildRequestRecord', () => {
  it('records a create with its new id, the user it names and no password', () => {
    const record = buildRequestRecord(observed(), '/scim/v2');
    expect(record).toMatchObject({
      tenantId: 'tenant-a',
      tokenId: 'token-a',
      method: 'POST',
      path: '/scim/v2/Users',
      query: '',
      status: 201,
      scimType: null,
      latencyMs: 12.346,
      clientRequestId: 'entra-1',
      resourceIds: ['u-1'],
      resourceType: 'User',
      operation: 'create',
      userName: 'ada@example.com',
      externalId: 'ext-1',
      receivedAt: '2026-11-23T10:00:00.000Z',
    });
    expect(record.requestBody).toEqual({ userName: 'ada@example.com', externalId: 'ext-1', password: REDACTED });
    expect(JSON.stringify(record)).not.toContain('hunter2');
  });

  it('takes the scimType of an error answer and the user of an eq filter', () => {
    const record = buildRequestRecord(
      observed({
        method: 'GET',
        url: '/scim/v2/Users?filter=userName%20eq%20%22bob%40example.com%22',
        status: 400,
        requestBody: undefined,
        responsePayload: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '400', scimType: 'invalidFilter' }),
      }),
      '/scim/v2',
    );
    expect(record).toMatchObject({ operation: 'list', scimType: 'invalidFilter', userName: 'bob@example.com', query: 'filter=userName%20eq%20%22bob%40example.com%22', requestBody: null });
  });

  it('names routes that matched nothing "other" and keeps a non-JSON answer as text', () => {
    const record = buildRequestRecord(observed({ method: 'GET', url: '/scim/v2/Nope', route: undefined, status: 404, requestBody: undefined, responsePayload: 'not json' }), '/scim/v2');
    expect(record).toMatchObject({ operation: 'other', resourceType: null, responseBody: 'not json', resourceIds: [] });
  });
});

describe('operationOf', () => {
  it.each([
    ['GET', '/Users', 'list'],
    ['GET', '/Users/:id', 'read'],
    ['POST', '/Users', 'create'],
    ['POST', '/Users/.search', 'search'],
    ['PUT', '/Groups/:id', 'replace'],
    ['PATCH', '/Groups/:id', 'patch'],
    ['DELETE', '/Users/:id', 'delete'],
    ['GET', '/Schemas/:id', 'discovery'],
    ['GET', '/ServiceProviderConfig', 'discovery'],
    ['GET', '/Bulk', 'other'],
  ])('%s %s is %s', (method, route, operation) => {
    expect(operationOf(method, route)).toBe(operation);
  });
});

describe('resourceIdsOf', () => {
  it('lists the group and the members a PATCH adds or removes, in Entra’s two remove forms', () => {
    const body = {
      Operations: [
        { op: 'Add', path: 'members', value: [{ value: 'm1' }, { value: 'm2' }] },
        { op: 'Remove', path: 'members[value eq "m3"]' },
        { op: 'Remove', path: 'members', value: [{ value: 'm4' }] },
      ],
    };
    expect(resourceIdsOf({ id: 'g1' }, body, undefined, 100)).toEqual(['g1', 'm1', 'm2', 'm3', 'm4']);
  });

  it('stops at the limit', () => {
    const body = { members: Array.from({ length: 50 }, (_, i) => ({ value: `m${i}` })) };
    expect(resourceIdsOf({}, body, { id: 'g' }, 10)).toHaveLength(10);
  });
});

describe('namedUser', () => {
  it('reads the single resource a lookup answered', () => {
    expect(namedUser('User', undefined, { Resources: [{ id: 'x', userName: 'u@x', externalId: 'e' }] }, '')).toEqual({ userName: 'u@x', externalId: 'e' });
  });
  it('reads an externalId filter with an escaped quote', () => {
    expect(namedUser('User', undefined, undefined, `filter=${encodeURIComponent('externalId eq "a\\"b"')}`)).toEqual({ userName: null, externalId: 'a"b' });
  });
  it('names no user for groups', () => {
    expect(namedUser('Group', { userName: 'x' }, undefined, '')).toEqual({ userName: null, externalId: null });
  });
});

describe('redactSecrets and auditedBody', () => {
  it('redacts password attributes at any depth, in any case, and PATCH values whose path is password', () => {
    const body = {
      Password: 'a',
      nested: [{ password: 'b' }],
      'urn:ietf:params:scim:schemas:core:2.0:User:password': 'c',
      Operations: [{ op: 'replace', path: 'password', value: 'd' }, { op: 'replace', path: 'active', value: false }],
    };
    const out = JSON.stringify(redactSecrets(body));
    for (const secret of ['"a"', '"b"', '"c"', '"d"']) expect(out).not.toContain(secret);
    expect(out).toContain('"value":false');
  });

  it('cuts a long body to a preview of the limit', () => {
    const out = auditedBody({ members: 'x'.repeat(5000) }, 1000) as { truncated: boolean; bytes: number; preview: string };
    expect(out.truncated).toBe(true);
    expect(out.bytes).toBeGreaterThan(5000);
    expect(out.preview).toHaveLength(1000);
  });
});
