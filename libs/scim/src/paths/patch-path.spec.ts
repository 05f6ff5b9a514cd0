import { formatPatchPath, parsePatchPath, type PatchPath } from '@app/scim';
import { and, cmp, CORE_USER, ENT, expectScimError, GEN, path } from '../testing/helpers';

describe('parsePatchPath (RFC 7644 §3.5.2 PATH = attrPath / valuePath [subAttr])', () => {
  it.each<{ name: string; input: string; expected: PatchPath }>([
    { name: 'attribute', input: 'members', expected: { attribute: 'members' } },
    { name: 'sub-attribute', input: 'name.familyName', expected: { attribute: 'name', subAttribute: 'familyName' } },
    { name: 'core URN', input: `${CORE_USER}:userName`, expected: { uri: CORE_USER, attribute: 'userName' } },
    { name: 'extension attribute', input: `${ENT}:employeeNumber`, expected: { uri: ENT, attribute: 'employeeNumber' } },
    { name: 'extension sub-attribute', input: `${ENT}:manager.value`, expected: { uri: ENT, attribute: 'manager', subAttribute: 'value' } },
    {
      name: 'whole extension (parsed syntactically; resolved by the schema)',
      input: ENT,
      expected: { uri: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0', attribute: 'User' },
    },
    {
      name: 'value path',
      input: 'members[value eq "2819c223-7f76-453a-919d-413861904646"]',
      expected: { attribute: 'members', filter: cmp(path('value'), 'eq', '2819c223-7f76-453a-919d-413861904646') },
    },
    {
      name: 'value path with sub-attribute',
      input: 'emails[type eq "work"].value',
      expected: { attribute: 'emails', subAttribute: 'value', filter: cmp(path('type'), 'eq', 'work') },
    },
    {
      name: 'value path with complex filter',
      input: 'emails[type eq "work" and value ew "example.com"]',
      expected: { attribute: 'emails', filter: and(cmp(path('type'), 'eq', 'work'), cmp(path('value'), 'ew', 'example.com')) },
    },
    {
      name: 'Genesys extension value path with single quotes',
      input: `${GEN}:externalIds[authority eq 'microsoftteams'].value`,
      expected: { uri: GEN, attribute: 'externalIds', subAttribute: 'value', filter: cmp(path('authority'), 'eq', 'microsoftteams') },
    },
    {
      name: 'Genesys mapping copied with typographic quotes',
      input: `${GEN}:externalIds[authority eq \u2018ringcentral\u2019].value`,
      expected: { uri: GEN, attribute: 'externalIds', subAttribute: 'value', filter: cmp(path('authority'), 'eq', 'ringcentral') },
    },
    {
      name: 'Entra roles mapping',
      input: 'roles[primary eq "True"].value',
      expected: { attribute: 'roles', subAttribute: 'value', filter: cmp(path('primary'), 'eq', 'True') },
    },
    { name: 'surrounding whitespace', input: '  displayName ', expected: { attribute: 'displayName' } },
  ])('$name: $input', ({ input, expected }) => {
    expect(parsePatchPath(input)).toEqual(expected);
  });

  it.each([
    { input: 'emails[type eq "work"].value', expected: 'emails[type eq "work"].value' },
    { input: `${ENT}:manager.value`, expected: `${ENT}:manager.value` },
    { input: "members[value eq 'x']", expected: 'members[value eq "x"]' },
    { input: 'NAME.givenName', expected: 'NAME.givenName' },
  ])('formatPatchPath($input)', ({ input, expected }) => {
    expect(formatPatchPath(parsePatchPath(input))).toBe(expected);
  });

  describe('errors are 400 invalidPath', () => {
    it.each([
      { name: 'empty', input: '', detail: 'PATCH path is empty' },
      { name: 'only spaces', input: '   ', detail: 'PATCH path is empty' },
      { name: 'unclosed bracket', input: 'emails[type eq "work"', detail: "Expected ']'" },
      { name: 'bad filter in brackets', input: 'emails[type foo "work"]', detail: "found 'foo'" },
      { name: 'empty brackets', input: 'emails[]', detail: "Expected an attribute path, found ']'" },
      { name: 'trailing garbage', input: 'emails x', detail: "Expected end of filter, found 'x'" },
      { name: 'sub-attribute then filter', input: 'name.givenName[value eq "x"]', detail: 'A value filter must follow the attribute' },
      { name: 'text after value path', input: 'emails[type eq "work"] value', detail: "found 'value'" },
      { name: 'two sub-attributes', input: 'name.givenName.x', detail: 'only one level of sub-attribute' },
      { name: 'invalid character', input: 'emails/value', detail: "Unexpected character '/'" },
      { name: 'nested value path', input: 'emails[type[x eq 1] pr]', detail: 'Value paths cannot be nested' },
      { name: 'starts with a string', input: '"emails"', detail: 'Expected an attribute path' },
      { name: 'unterminated string in filter', input: 'emails[type eq "work]', detail: 'Unterminated string' },
    ])('$name: $input', ({ input, detail }) => {
      expectScimError(() => parsePatchPath(input), { status: 400, scimType: 'invalidPath', detail });
    });
  });
});
