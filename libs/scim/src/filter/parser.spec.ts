import { formatFilter, parseFilter, type FilterExpression } from '@app/scim';
import { and, cmp, CORE_USER, ENT, expectScimError, GEN, not, or, path, pr, vp } from '../testing/helpers';

interface ParseCase {
  readonly name: string;
  readonly input: string;
  readonly expected: FilterExpression;
}

const operators: ParseCase[] = [
  { name: 'eq', input: 'userName eq "bjensen"', expected: cmp(path('userName'), 'eq', 'bjensen') },
  { name: 'ne', input: 'title ne "CEO"', expected: cmp(path('title'), 'ne', 'CEO') },
  { name: 'co', input: 'name.familyName co "O\'Malley"', expected: cmp(path('name', 'familyName'), 'co', "O'Malley") },
  { name: 'sw', input: 'userName sw "J"', expected: cmp(path('userName'), 'sw', 'J') },
  { name: 'ew', input: 'emails.value ew "@example.com"', expected: cmp(path('emails', 'value'), 'ew', '@example.com') },
  {
    name: 'gt on dateTime',
    input: 'meta.lastModified gt "2011-05-13T04:42:34Z"',
    expected: cmp(path('meta', 'lastModified'), 'gt', '2011-05-13T04:42:34Z'),
  },
  { name: 'ge', input: 'meta.lastModified ge "2011-05-13T04:42:34Z"', expected: cmp(path('meta', 'lastModified'), 'ge', '2011-05-13T04:42:34Z') },
  { name: 'lt', input: 'meta.lastModified lt "2011-05-13T04:42:34Z"', expected: cmp(path('meta', 'lastModified'), 'lt', '2011-05-13T04:42:34Z') },
  { name: 'le', input: 'meta.lastModified le "2011-05-13T04:42:34Z"', expected: cmp(path('meta', 'lastModified'), 'le', '2011-05-13T04:42:34Z') },
  { name: 'pr', input: 'title pr', expected: pr(path('title')) },
  { name: 'operators are case-insensitive', input: 'userName EQ "x"', expected: cmp(path('userName'), 'eq', 'x') },
  { name: 'mixed-case pr', input: 'title Pr', expected: pr(path('title')) },
  { name: 'attribute names keep their spelling', input: 'USERNAME eq "x"', expected: cmp(path('USERNAME'), 'eq', 'x') },
];

const values: ParseCase[] = [
  { name: 'true', input: 'active eq true', expected: cmp(path('active'), 'eq', true) },
  { name: 'false', input: 'active eq false', expected: cmp(path('active'), 'eq', false) },
  { name: 'TRUE in capitals', input: 'active eq TRUE', expected: cmp(path('active'), 'eq', true) },
  { name: 'null', input: 'title eq null', expected: cmp(path('title'), 'eq', null) },
  { name: 'integer', input: 'x eq 42', expected: cmp(path('x'), 'eq', 42) },
  { name: 'negative decimal', input: 'x gt -1.5', expected: cmp(path('x'), 'gt', -1.5) },
  { name: 'exponent', input: 'x lt 1e3', expected: cmp(path('x'), 'lt', 1000) },
  { name: 'signed exponent', input: 'x lt 2.5E-2', expected: cmp(path('x'), 'lt', 0.025) },
  { name: 'JSON escapes', input: 'displayName eq "a\\"b\\\\c\\/d\\n\\t\\u00e9"', expected: cmp(path('displayName'), 'eq', 'a"b\\c/d\n\té') },
  { name: 'empty string', input: 'title eq ""', expected: cmp(path('title'), 'eq', '') },
  { name: 'single-quoted string', input: "userName eq 'bjensen'", expected: cmp(path('userName'), 'eq', 'bjensen') },
  { name: 'escaped single quote', input: "displayName eq 'O\\'Malley'", expected: cmp(path('displayName'), 'eq', "O'Malley") },
  { name: 'double quote inside single quotes', input: 'displayName eq \'say "hi"\'', expected: cmp(path('displayName'), 'eq', 'say "hi"') },
  { name: 'typographic quotes', input: 'externalIds[authority eq \u2018zoomphone\u2019]', expected: vp(path('externalIds'), cmp(path('authority'), 'eq', 'zoomphone')) },
  { name: 'brackets and keywords inside strings', input: 'displayName eq "a ] and ( or"', expected: cmp(path('displayName'), 'eq', 'a ] and ( or') },
  { name: 'no space before string', input: 'userName eq"x"', expected: cmp(path('userName'), 'eq', 'x') },
  { name: 'extra whitespace', input: '  userName   eq\t"x"  ', expected: cmp(path('userName'), 'eq', 'x') },
];

const a = cmp(path('a'), 'eq', 1);
const b = cmp(path('b'), 'eq', 2);
const c = cmp(path('c'), 'eq', 3);
const d = cmp(path('d'), 'eq', 4);

const logic: ParseCase[] = [
  { name: 'and', input: 'a eq 1 and b eq 2', expected: and(a, b) },
  { name: 'or', input: 'a eq 1 or b eq 2', expected: or(a, b) },
  { name: 'and binds tighter than or (right)', input: 'a eq 1 or b eq 2 and c eq 3', expected: or(a, and(b, c)) },
  { name: 'and binds tighter than or (left)', input: 'a eq 1 and b eq 2 or c eq 3', expected: or(and(a, b), c) },
  { name: 'and is left-associative', input: 'a eq 1 and b eq 2 and c eq 3', expected: and(and(a, b), c) },
  { name: 'or is left-associative', input: 'a eq 1 or b eq 2 or c eq 3', expected: or(or(a, b), c) },
  { name: 'parentheses override precedence', input: '(a eq 1 or b eq 2) and c eq 3', expected: and(or(a, b), c) },
  { name: 'parentheses on the right', input: 'a eq 1 and (b eq 2 or c eq 3)', expected: and(a, or(b, c)) },
  { name: 'mixed chain', input: 'a eq 1 or b eq 2 and c eq 3 or d eq 4', expected: or(or(a, and(b, c)), d) },
  { name: 'not', input: 'not (a eq 1)', expected: not(a) },
  { name: 'not without space', input: 'not(a eq 1)', expected: not(a) },
  { name: 'not binds tighter than and', input: 'not (a eq 1) and b eq 2', expected: and(not(a), b) },
  { name: 'not inside or', input: 'a eq 1 or not (b eq 2 or c eq 3)', expected: or(a, not(or(b, c))) },
  { name: 'nested parentheses', input: '((a eq 1))', expected: a },
  { name: 'keywords are case-insensitive', input: 'NOT (a eq 1) AND b eq 2 Or c eq 3', expected: or(and(not(a), b), c) },
  {
    name: 'RFC example: userType and (emails co or emails.value co)',
    input: 'userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")',
    expected: and(cmp(path('userType'), 'eq', 'Employee'), or(cmp(path('emails'), 'co', 'example.com'), cmp(path('emails', 'value'), 'co', 'example.org'))),
  },
  {
    name: 'RFC example: title pr and userType eq',
    input: 'title pr and userType eq "Employee"',
    expected: and(pr(path('title')), cmp(path('userType'), 'eq', 'Employee')),
  },
];

const paths: ParseCase[] = [
  { name: 'sub-attribute', input: 'name.familyName eq "Jensen"', expected: cmp(path('name', 'familyName'), 'eq', 'Jensen') },
  {
    name: 'core URN prefix',
    input: `${CORE_USER}:userName sw "J"`,
    expected: cmp(path('userName', undefined, CORE_USER), 'sw', 'J'),
  },
  {
    name: 'core URN prefix with sub-attribute',
    input: `${CORE_USER}:name.givenName eq "B"`,
    expected: cmp(path('name', 'givenName', CORE_USER), 'eq', 'B'),
  },
  {
    name: 'extension URN with sub-attribute',
    input: `${ENT}:manager.value eq "26118915-6090-4610-87e4-49d8ca9f808d"`,
    expected: cmp(path('manager', 'value', ENT), 'eq', '26118915-6090-4610-87e4-49d8ca9f808d'),
  },
  { name: 'extension URN attribute', input: `${ENT}:employeeNumber eq "701984"`, expected: cmp(path('employeeNumber', undefined, ENT), 'eq', '701984') },
  { name: '$ref sub-attribute', input: 'members.$ref pr', expected: pr(path('members', '$ref')) },
  { name: 'hyphen and underscore in names', input: 'x-y_z pr', expected: pr(path('x-y_z')) },
];

const valuePaths: ParseCase[] = [
  {
    name: 'value path with and',
    input: 'emails[type eq "work" and value co "@example.com"]',
    expected: vp(path('emails'), and(cmp(path('type'), 'eq', 'work'), cmp(path('value'), 'co', '@example.com'))),
  },
  {
    name: 'RFC example: two value paths joined by or',
    input: 'emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]',
    expected: or(
      vp(path('emails'), and(cmp(path('type'), 'eq', 'work'), cmp(path('value'), 'co', '@example.com'))),
      vp(path('ims'), and(cmp(path('type'), 'eq', 'xmpp'), cmp(path('value'), 'co', '@foo.com'))),
    ),
  },
  {
    name: 'value path with not and parentheses inside',
    input: 'emails[not (type eq "home") and (value sw "a" or value sw "b")]',
    expected: vp(path('emails'), and(not(cmp(path('type'), 'eq', 'home')), or(cmp(path('value'), 'sw', 'a'), cmp(path('value'), 'sw', 'b')))),
  },
  {
    name: 'value path combined with and',
    input: 'userType eq "Employee" and emails[type eq "work"]',
    expected: and(cmp(path('userType'), 'eq', 'Employee'), vp(path('emails'), cmp(path('type'), 'eq', 'work'))),
  },
  {
    name: 'sub-attribute after value path folds into the value filter',
    input: 'emails[type eq "work"].value eq "a@x.com"',
    expected: vp(path('emails'), and(cmp(path('type'), 'eq', 'work'), cmp(path('value'), 'eq', 'a@x.com'))),
  },
  {
    name: 'sub-attribute after value path with pr',
    input: 'phoneNumbers[type eq "mobile"].value pr',
    expected: vp(path('phoneNumbers'), and(cmp(path('type'), 'eq', 'mobile'), pr(path('value')))),
  },
  {
    name: 'Genesys extension value path with single quotes',
    input: `${GEN}:externalIds[authority eq 'microsoftteams'].value eq "29:1abc"`,
    expected: vp(path('externalIds', undefined, GEN), and(cmp(path('authority'), 'eq', 'microsoftteams'), cmp(path('value'), 'eq', '29:1abc'))),
  },
  {
    name: 'Entra role filter with string boolean',
    input: 'roles[primary eq "True"]',
    expected: vp(path('roles'), cmp(path('primary'), 'eq', 'True')),
  },
  {
    name: 'not around a value path',
    input: 'not (emails[type eq "work"])',
    expected: not(vp(path('emails'), cmp(path('type'), 'eq', 'work'))),
  },
];

describe('parseFilter', () => {
  describe.each([
    ['operators', operators],
    ['compare values', values],
    ['logical expressions and precedence', logic],
    ['attribute paths', paths],
    ['value paths', valuePaths],
  ] as const)('%s', (_group, cases) => {
    it.each(cases)('$name: $input', ({ input, expected }) => {
      expect(parseFilter(input)).toEqual(expected);
    });
  });

  describe('formatFilter round trip', () => {
    const all = [...operators, ...values, ...logic, ...paths, ...valuePaths];
    it.each(all)('$name', ({ expected }) => {
      expect(parseFilter(formatFilter(expected))).toEqual(expected);
    });

    it.each([
      { name: 'keeps needed parentheses', input: '(a eq 1 or b eq 2) and c eq 3', expected: '(a eq 1 or b eq 2) and c eq 3' },
      { name: 'drops needless parentheses', input: '(a eq 1 and b eq 2) or c eq 3', expected: 'a eq 1 and b eq 2 or c eq 3' },
      { name: 'right-nested same operator', input: 'a eq 1 or (b eq 2 or c eq 3)', expected: 'a eq 1 or (b eq 2 or c eq 3)' },
      { name: 'normalises quotes and case', input: "USERNAME EQ 'x'", expected: 'USERNAME eq "x"' },
      { name: 'value path', input: 'emails[type eq "work"]', expected: 'emails[type eq "work"]' },
    ])('$name', ({ input, expected }) => {
      expect(formatFilter(parseFilter(input))).toBe(expected);
    });
  });

  describe('errors are 400 invalidFilter with the position', () => {
    it.each([
      { name: 'empty filter', input: '   ', detail: 'Filter is empty' },
      { name: 'missing operator', input: 'userName', detail: 'Expected an operator, found end of input at position 8' },
      { name: 'unknown operator', input: 'userName like "x"', detail: "found 'like' at position 9" },
      { name: 'missing value', input: 'userName eq', detail: "Expected a comparison value after 'eq', found end of input at position 11" },
      { name: 'bare word value', input: 'userName eq bjensen', detail: "Invalid comparison value after 'eq', found 'bjensen' at position 12" },
      { name: 'number with leading zero', input: 'x eq 01', detail: "found '01' at position 5" },
      { name: 'unterminated string', input: 'userName eq "abc', detail: 'Unterminated string at position 12' },
      { name: 'bad escape', input: 'userName eq "a\\qb"', detail: 'Invalid escape in string at position 14' },
      { name: 'bad unicode escape', input: 'userName eq "\\u12G4"', detail: 'Invalid \\u escape in string at position 13' },
      { name: 'unexpected character', input: 'userName eq "x" & title pr', detail: "Unexpected character '&' at position 16" },
      { name: 'missing closing parenthesis', input: '(userName eq "x"', detail: "Expected ')', found end of input at position 16" },
      { name: 'stray closing parenthesis', input: 'userName eq "x")', detail: "Expected end of filter, found ')' at position 15" },
      { name: 'missing closing bracket', input: 'emails[type eq "work"', detail: "Expected ']', found end of input at position 21" },
      { name: 'nested value path', input: 'emails[type[value eq "x"] pr]', detail: 'Value paths cannot be nested' },
      { name: 'not without parentheses', input: 'not userName eq "x"', detail: "Expected '(' after 'not', found 'userName' at position 4" },
      { name: 'dangling and', input: 'userName eq "x" and', detail: 'Expected an attribute path, found end of input at position 19' },
      { name: 'leading or', input: 'or userName eq "x"', detail: "Expected an attribute path, found 'or' at position 0" },
      { name: 'two sub-attribute levels', input: 'name.given.first eq "x"', detail: 'only one level of sub-attribute' },
      { name: 'invalid attribute name', input: '1abc eq "x"', detail: '"1abc" is not a valid attribute name' },
      { name: 'URN without attribute', input: 'urn:ietf:params:scim:schemas:core:2.0:User: eq "x"', detail: 'missing attribute name' },
      { name: 'value after pr', input: 'title pr "x"', detail: 'Expected end of filter, found \'"x"\' at position 9' },
      { name: 'two comparisons without logic', input: 'a eq 1 b eq 2', detail: "Expected end of filter, found 'b' at position 7" },
      { name: 'sub-attribute before bracket', input: 'name.givenName[value eq "x"]', detail: "Expected an operator after 'name.givenName'" },
      { name: 'double sub after bracket', input: 'emails[type eq "work"].value.x eq "y"', detail: 'Expected a single sub-attribute name after "]"' },
      { name: 'operator missing after sub after bracket', input: 'emails[type eq "work"].value', detail: 'Expected an operator, found end of input at position 28' },
      { name: 'empty parentheses', input: '()', detail: "Expected an attribute path, found ')' at position 1" },
    ])('$name: $input', ({ input, detail }) => {
      expectScimError(() => parseFilter(input), { status: 400, scimType: 'invalidFilter', detail });
    });
  });
});
