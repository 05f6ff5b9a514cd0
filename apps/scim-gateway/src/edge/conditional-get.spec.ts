import { ifNoneMatchMatches } from './conditional-get';

describe('ifNoneMatchMatches (RFC 9110 §13.1.2, weak comparison)', () => {
  it.each([
    ['W/"3"', 'W/"3"', true],
    ['"3"', 'W/"3"', true],
    ['W/"3"', '"3"', true],
    ['W/"2"', 'W/"3"', false],
    ['W/"1", W/"3"', 'W/"3"', true],
    [['W/"1"', 'W/"3"'], 'W/"3"', true],
    ['*', 'W/"3"', true],
    ['3', 'W/"3"', false],
    ['', 'W/"3"', false],
    [undefined, 'W/"3"', false],
    ['W/"3"', undefined, false],
  ] as const)('If-None-Match %j against %j → %j', (header, etag, expected) => {
    expect(ifNoneMatchMatches(header as string | string[] | undefined, etag)).toBe(expected);
  });
});
