import { bearerCredentialOf } from './bearer-token';

describe('bearerCredentialOf (RFC 6750 §2.1)', () => {
  it.each([
    [undefined, { kind: 'none' }],
    ['Basic dXNlcjpwYXNz', { kind: 'none' }],
    ['Bearer scim_abc-DEF_123', { kind: 'bearer', token: 'scim_abc-DEF_123' }],
    ['bearer scim_abc', { kind: 'bearer', token: 'scim_abc' }],
    ['Bearer   scim_abc  ', { kind: 'bearer', token: 'scim_abc' }],
    ['Bearer abc+/==', { kind: 'bearer', token: 'abc+/==' }],
    ['Bearer', { kind: 'malformed' }],
    ['Bearer ', { kind: 'malformed' }],
    ['Bearer two words', { kind: 'malformed' }],
    ['Bearer tok"en', { kind: 'malformed' }],
    [['Bearer a', 'Bearer b'], { kind: 'malformed' }],
  ] as const)('%j → %j', (header, expected) => {
    expect(bearerCredentialOf(header as string | string[] | undefined)).toEqual(expected);
  });
});
