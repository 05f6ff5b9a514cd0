import { BULK_REQUEST_SCHEMA, parseBulkPath, parseBulkRequest, referencedBulkIds, resolveReferences } from './bulk-request';

const limits = { maxOperations: 3, maxPayloadSize: 1024 };
const bulk = (...Operations: unknown[]) => ({ schemas: [BULK_REQUEST_SCHEMA], Operations });

describe('Bulk requests (RFC 7644 §3.7)', () => {
  it('parses operations, case-insensitive methods and names, failOnErrors', () => {
    const parsed = parseBulkRequest(
      {
        schemas: [BULK_REQUEST_SCHEMA],
        failOnErrors: 2,
        operations: [
          { Method: 'post', Path: '/Users', BulkId: 'a', Data: { userName: 'x' } },
          { method: 'DELETE', path: '/Users/1', version: 'W/"1"' },
        ],
      },
      limits,
    );
    expect(parsed).toEqual({
      failOnErrors: 2,
      operations: [
        { index: 0, method: 'POST', path: '/Users', bulkId: 'a', data: { userName: 'x' } },
        { index: 1, method: 'DELETE', path: '/Users/1', version: 'W/"1"' },
      ],
    });
  });

  it.each([
    ['no BulkRequest schema', { Operations: [{ method: 'DELETE', path: '/Users/1' }] }, 400],
    ['no operations', bulk(), 400],
    ['more than maxOperations', bulk(...Array.from({ length: 4 }, () => ({ method: 'DELETE', path: '/Users/1' }))), 413],
    ['a POST without bulkId', bulk({ method: 'POST', path: '/Users', data: {} }), 400],
    ['a repeated bulkId', bulk({ method: 'POST', path: '/Users', bulkId: 'a', data: {} }, { method: 'POST', path: '/Users', bulkId: 'a', data: {} }), 400],
    ['an unknown method', bulk({ method: 'GET', path: '/Users/1' }), 400],
    ['a PATCH without data', bulk({ method: 'PATCH', path: '/Users/1' }), 400],
    ['failOnErrors 0', { ...bulk({ method: 'DELETE', path: '/Users/1' }), failOnErrors: 0 }, 400],
  ])('refuses %s', (_name, body, status) => {
    expect(() => parseBulkRequest(body, limits)).toThrow(expect.objectContaining({ status }));
  });

  it('finds bulkId references in the path and anywhere in the data, and resolves them', () => {
    const op = {
      index: 0,
      method: 'PATCH' as const,
      path: '/Groups/bulkId:g',
      data: { Operations: [{ op: 'add', path: 'members', value: [{ value: 'bulkId:u1' }, { value: 'bulkId:u2' }] }] },
    };
    expect(referencedBulkIds(op).sort()).toEqual(['g', 'u1', 'u2']);
    const resolved = resolveReferences(
      op,
      new Map([
        ['g', 'G'],
        ['u1', 'U1'],
      ]),
    );
    expect(resolved.path).toBe('/Groups/G');
    expect(resolved.data).toEqual({ Operations: [{ op: 'add', path: 'members', value: [{ value: 'U1' }, { value: 'bulkId:u2' }] }] });
  });

  it('reads paths as /Users or /Groups with an id for everything but POST', () => {
    expect(parseBulkPath({ index: 0, method: 'POST', path: '/users' })).toEqual({ endpoint: 'Users' });
    expect(parseBulkPath({ index: 0, method: 'PUT', path: 'Groups/abc/' })).toEqual({ endpoint: 'Groups', id: 'abc' });
    for (const [method, path] of [
      ['POST', '/Users/abc'],
      ['DELETE', '/Users'],
      ['PUT', '/Devices/1'],
      ['PATCH', '/Users/a/b'],
      ['DELETE', '/Users/%E0%A4%A'],
    ] as const) {
      expect(() => parseBulkPath({ index: 0, method, path })).toThrow(expect.objectContaining({ status: 400, scimType: 'invalidPath' }));
    }
  });
});
