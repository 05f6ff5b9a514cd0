import {
  checkStorableJson,
  countMemberValues,
  isStorableText,
  isXsdDateTime,
  parseFilter,
  parsePatchRequest,
  SchemaRegistry,
  SCIM_INPUT_LIMITS,
  ScimError,
  validateFilter,
} from '@app/scim';

function scimErrorOf(fn: () => unknown): ScimError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ScimError) return err;
    throw err;
  }
  throw new Error('expected a ScimError');
}

const users = SchemaRegistry.createDefault().context('User');

describe('storable text', () => {
  it.each([
    ['x\u0000y', false],
    ['\ud800', false],
    ['a\udc00', false],
    ['\udc00\ud800', false],
    ['😀', true],
    ['Zoë Ødegård', true],
    ['', true],
  ])('%j storable: %s', (text, expected) => expect(isStorableText(text)).toBe(expected));

  it('finds a NUL or a lone surrogate anywhere in a body, member names included, as 400 invalidValue', () => {
    expect(scimErrorOf(() => checkStorableJson({ name: { givenName: ['ok', 'x\u0000'] } }))).toMatchObject({ status: 400, scimType: 'invalidValue' });
    expect(scimErrorOf(() => checkStorableJson({ ['nick\ud800']: 'x' }))).toMatchObject({ status: 400, scimType: 'invalidValue' });
    expect(() => checkStorableJson({ displayName: 'ok', emails: [{ value: 'a@b' }] })).not.toThrow();
  });

  it('refuses JSON nested past the limit without recursing (5,000 levels)', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 5000; i++) deep = { a: deep };
    expect(scimErrorOf(() => checkStorableJson(deep))).toMatchObject({ status: 400, scimType: 'invalidSyntax' });
    let fine: unknown = 'x';
    for (let i = 1; i < SCIM_INPUT_LIMITS.jsonDepth; i++) fine = [fine];
    expect(() => checkStorableJson(fine)).not.toThrow();
  });
});

describe('filter limits', () => {
  const terms = (n: number) => Array.from({ length: n }, (_, i) => `emails[value eq "u${i}@x"]`).join(' or ');

  it(`takes ${SCIM_INPUT_LIMITS.filterTerms} comparisons and refuses one more (8,000 too) as invalidFilter`, () => {
    expect(() => parseFilter(terms(SCIM_INPUT_LIMITS.filterTerms))).not.toThrow();
    expect(scimErrorOf(() => parseFilter(terms(SCIM_INPUT_LIMITS.filterTerms + 1)))).toMatchObject({ status: 400, scimType: 'invalidFilter' });
    expect(scimErrorOf(() => parseFilter(terms(8000)))).toMatchObject({ status: 400, scimType: 'invalidFilter' });
  });

  it('refuses 3,000 nested parentheses as invalidFilter, not a stack overflow', () => {
    const text = `${'('.repeat(3000)}userName eq "a"${')'.repeat(3000)}`;
    expect(scimErrorOf(() => parseFilter(text))).toMatchObject({ status: 400, scimType: 'invalidFilter' });
    const allowed = `${'('.repeat(SCIM_INPUT_LIMITS.filterDepth)}userName eq "a"${')'.repeat(SCIM_INPUT_LIMITS.filterDepth)}`;
    expect(() => parseFilter(allowed)).not.toThrow();
  });

  it('refuses an 8,000-term PATCH path filter as invalidPath', () => {
    const path = `members[${Array.from({ length: 8000 }, (_, i) => `value eq "${i}"`).join(' or ')}]`;
    const body = { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'remove', path }] };
    expect(scimErrorOf(() => parsePatchRequest(body))).toMatchObject({ status: 400, scimType: 'invalidPath' });
  });

  it.each(['2026-02-30T00:00:00Z', '0', '+275760-09-13T00:00:00.000Z', '2026-13-01T00:00:00Z', '2026-01-01', '2026-01-01T24:00:00Z'])(
    'refuses the dateTime %j as invalidFilter',
    (value) => {
      expect(isXsdDateTime(value)).toBe(false);
      expect(scimErrorOf(() => validateFilter(parseFilter(`meta.created gt "${value}"`), users))).toMatchObject({ status: 400, scimType: 'invalidFilter' });
    },
  );

  it.each(['2024-02-29T00:00:00Z', '2026-01-31T23:59:59.123Z', '2026-06-01T10:00:00+02:00'])('takes the dateTime %j', (value) => {
    expect(isXsdDateTime(value)).toBe(true);
    expect(() => validateFilter(parseFilter(`meta.created gt "${value}"`), users)).not.toThrow();
  });

  it('refuses a NUL in a filter value as invalidFilter', () => {
    expect(scimErrorOf(() => validateFilter(parseFilter('userName eq "a\u0000b"'), users))).toMatchObject({ status: 400, scimType: 'invalidFilter' });
  });
});

describe('PATCH and member limits', () => {
  it(`refuses more than ${SCIM_INPUT_LIMITS.patchOperations} operations`, () => {
    const op = { op: 'replace', path: 'displayName', value: 'x' };
    const body = (n: number) => ({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: Array.from({ length: n }, () => op) });
    expect(parsePatchRequest(body(SCIM_INPUT_LIMITS.patchOperations))).toHaveLength(SCIM_INPUT_LIMITS.patchOperations);
    expect(scimErrorOf(() => parsePatchRequest(body(SCIM_INPUT_LIMITS.patchOperations + 1)))).toMatchObject({ status: 400, scimType: 'invalidValue' });
  });

  it('counts members of a POST body and of every PATCH shape Entra sends', () => {
    expect(countMemberValues({ displayName: 'g', members: [{ value: 'a' }, { value: 'b' }] })).toBe(2);
    expect(
      countMemberValues({
        Operations: [
          { op: 'Add', path: 'members', value: [{ value: 'a' }, { value: 'b' }, { value: 'c' }] },
          { op: 'Remove', path: 'members[value eq "a"]' },
          { op: 'add', value: { members: [{ value: 'd' }], displayName: 'x' } },
          { op: 'replace', path: 'displayName', value: 'y' },
        ],
      }),
    ).toBe(4);
    expect(countMemberValues('nothing')).toBe(0);
  });
});
