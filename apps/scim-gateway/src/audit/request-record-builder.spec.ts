import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { REDACTED, REQUEST_RECORD_JSON_SCHEMA } from '@app/contracts';
import {
  auditedBody,
  buildRequestRecord,
  DEFAULT_RECORD_LIMITS,
  namedUser,
  operationOf,
  redactSecrets,
  resourceIdsOf,
  shrinkObserved,
  type ObservedRequest,
} from './request-record-builder';

function observed(overrides: Partial<ObservedRequest> = {}): ObservedRequest {
  return {
    recordId: 'rec-1',
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
      recordId: 'rec-1',
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

  it('builds records the topic schema accepts (what the audit log validates them with), unauthenticated and truncated ones too', () => {
    const validate = addFormats(new Ajv({ allErrors: true, strict: false })).compile(REQUEST_RECORD_JSON_SCHEMA);
    const records = [
      buildRequestRecord(observed(), '/scim/v2'),
      buildRequestRecord(observed({ tenantId: null, tokenId: null, clientRequestId: null, status: 401, requestBody: undefined, responsePayload: '' }), '/scim/v2'),
      buildRequestRecord(observed({ url: '/scim/v2/Users?filter=userName%20eq%20%22a%22', method: 'GET', requestBody: undefined }), '/scim/v2'),
      buildRequestRecord(observed({ requestBody: { userName: 'x'.repeat(100_000) }, requestBytes: 100_010 }), '/scim/v2'),
    ];
    for (const record of records) {
      expect(validate(JSON.parse(JSON.stringify(record)))).toBe(true);
      expect(validate.errors ?? null).toBeNull();
    }
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
    expect(record).toMatchObject({
      operation: 'list',
      scimType: 'invalidFilter',
      userName: 'bob@example.com',
      query: 'filter=userName%20eq%20%22bob%40example.com%22',
      requestBody: null,
    });
  });

  it('names routes that matched nothing "other" and keeps a non-JSON answer as text', () => {
    const record = buildRequestRecord(
      observed({ method: 'GET', url: '/scim/v2/Nope', route: undefined, status: 404, requestBody: undefined, responsePayload: 'not json' }),
      '/scim/v2',
    );
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
      Operations: [
        { op: 'replace', path: 'password', value: 'd' },
        { op: 'replace', path: 'active', value: false },
      ],
    };
    const out = JSON.stringify(redactSecrets(body));
    for (const secret of ['"a"', '"b"', '"c"', '"d"']) expect(out).not.toContain(secret);
    expect(out).toContain('"value":false');
  });

  it('redacts PATCH operations whatever the case of their members', () => {
    const out = JSON.stringify(
      redactSecrets({
        Operations: [
          { Op: 'Replace', Path: 'Password', Value: 'hunter2' },
          { op: 'replace', value: { PASSWORD: 'hunter3' } },
        ],
      }),
    );
    expect(out).not.toContain('hunter2');
    expect(out).not.toContain('hunter3');
  });

  it('redacts a password written into a PATCH path filter or sub-attribute, which the gateway refuses', () => {
    const out = redactSecrets({
      Operations: [
        { op: 'replace', path: 'password[value eq "hunter2"]', value: 'x1' },
        { op: 'replace', path: 'urn:ietf:params:scim:schemas:core:2.0:User:Password.hunter3', value: 'x2' },
        { op: 'replace', path: 'passwordHint', value: 'kept' },
      ],
    });
    const text = JSON.stringify(out);
    for (const secret of ['hunter2', 'hunter3', 'x1', 'x2']) expect(text).not.toContain(secret);
    expect((out as { Operations: Array<{ path: string; value: unknown }> }).Operations.map((o) => o.path)).toEqual([
      `password[${REDACTED}]`,
      `urn:ietf:params:scim:schemas:core:2.0:User:Password.${REDACTED}`,
      'passwordHint',
    ]);
    expect(text).toContain('"kept"');
  });

  it('stores NUL as U+FFFD and cuts bodies nested too deep instead of failing', () => {
    expect(redactSecrets({ 'a\u0000': 'b\u0000' })).toEqual({ 'a\uFFFD': 'b\uFFFD' });
    let deep: unknown = 'x';
    for (let i = 0; i < 20_000; i++) deep = [deep];
    expect(JSON.stringify(redactSecrets(deep))).toContain('[nested too deep]');
  });

  it('cuts a long body to a preview of the limit', () => {
    const out = auditedBody({ members: 'x'.repeat(5000) }, 1000) as { truncated: boolean; bytes: number; preview: string };
    expect(out.truncated).toBe(true);
    expect(out.bytes).toBeGreaterThan(5000);
    expect(out.preview).toHaveLength(1000);
  });
});

describe('shrinkObserved', () => {
  const limits = { bodyLimitBytes: 1000, maxResourceIds: 100 };

  it('keeps nothing an unauthenticated caller sent, and names no user for it', () => {
    const shrunk = shrinkObserved(observed({ status: 401, url: '/scim/v2/Users?filter=userName%20eq%20%22x%22' }), '/scim/v2', limits);
    expect(shrunk.requestBody).toBeUndefined();
    expect(buildRequestRecord(shrunk, '/scim/v2', limits)).toMatchObject({ requestBody: null, userName: null, externalId: null });
  });

  it('cuts a large body at once, keeping the members it names', () => {
    const members = Array.from({ length: 80 }, (_, i) => ({ value: `m${i}` }));
    const body = { Operations: [{ op: 'add', path: 'members', value: members }] };
    const shrunk = shrinkObserved(
      observed({
        method: 'PATCH',
        url: '/scim/v2/Groups/g1',
        route: '/scim/v2/Groups/:id',
        params: { id: 'g1' },
        requestBody: body,
        requestBytes: 5000,
        responsePayload: 'y'.repeat(6000),
      }),
      '/scim/v2',
      limits,
    );
    expect(shrunk.requestBody).toEqual({ truncated: true, bytes: 5000, preview: '' });
    expect(shrunk.responsePayload).toHaveLength(1000);
    const record = buildRequestRecord(shrunk, '/scim/v2', limits);
    expect(record.resourceIds).toHaveLength(81);
    expect(record.resourceIds.slice(0, 2)).toEqual(['g1', 'm0']);
    expect(record.responseBody).toMatchObject({ truncated: true, bytes: 6000 });
  });

  it('does not scan very long filters for a user', () => {
    const filter = `userName eq "${'a'.repeat(2000)}"`;
    expect(
      buildRequestRecord(
        observed({ method: 'GET', url: `/scim/v2/Users?filter=${encodeURIComponent(filter)}`, requestBody: undefined, responsePayload: undefined }),
        '/scim/v2',
        DEFAULT_RECORD_LIMITS,
      ).userName,
    ).toBeNull();
  });
});
