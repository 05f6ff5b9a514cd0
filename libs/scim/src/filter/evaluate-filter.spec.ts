import { matchesFilter, parseFilter, type JsonObject } from '@app/scim';
import { ENT, expectScimError, GEN, userContext } from '../testing/helpers';

const user: JsonObject = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENT, GEN],
  id: '2819c223-7f76-453a-919d-413861904646',
  externalId: 'AbC-1',
  userName: 'BJensen@Example.com',
  name: { familyName: 'Jensen', givenName: 'Barbara' },
  displayName: 'Babs Jensen',
  title: '',
  active: true,
  emails: [
    { value: 'bjensen@example.com', type: 'work', primary: true },
    { value: 'babs@jensen.org', type: 'home' },
  ],
  phoneNumbers: [{ value: '555-555-8377', type: 'work2' }],
  meta: { resourceType: 'User', created: '2010-01-23T04:56:22Z', lastModified: '2011-05-13T04:42:34Z' },
  [ENT]: { employeeNumber: '701984', manager: { value: '26118915' } },
  [GEN]: { externalIds: [{ authority: 'microsoftteams', value: '29:AbC' }] },
};

describe('matchesFilter on a resource', () => {
  it.each([
    { name: 'eq ignores case for userName', filter: 'userName eq "bjensen@example.com"', expected: true },
    { name: 'eq on caseExact externalId respects case', filter: 'externalId eq "abc-1"', expected: false },
    { name: 'eq on caseExact externalId exact', filter: 'externalId eq "AbC-1"', expected: true },
    { name: 'ne', filter: 'userName ne "someone"', expected: true },
    { name: 'ne equal value', filter: 'userName ne "BJENSEN@example.com"', expected: false },
    { name: 'co', filter: 'name.familyName co "ENS"', expected: true },
    { name: 'sw', filter: 'userName sw "bj"', expected: true },
    { name: 'sw no match', filter: 'userName sw "x"', expected: false },
    { name: 'ew', filter: 'userName ew "COM"', expected: true },
    { name: 'gt dateTime', filter: 'meta.lastModified gt "2011-05-13T04:42:33Z"', expected: true },
    { name: 'gt dateTime equal is false', filter: 'meta.lastModified gt "2011-05-13T04:42:34Z"', expected: false },
    { name: 'ge dateTime equal', filter: 'meta.lastModified ge "2011-05-13T04:42:34Z"', expected: true },
    { name: 'lt dateTime with offset', filter: 'meta.created lt "2010-01-23T05:56:22+01:00"', expected: false },
    { name: 'le dateTime with offset equal instant', filter: 'meta.created le "2010-01-23T05:56:22+01:00"', expected: true },
    { name: 'gt on string is lexicographic, case-insensitive', filter: 'name.givenName gt "b"', expected: true },
    { name: 'lt on string', filter: 'name.givenName lt "Bar"', expected: false },
    { name: 'boolean eq', filter: 'active eq true', expected: true },
    { name: 'boolean eq false', filter: 'active eq false', expected: false },
    { name: 'pr', filter: 'displayName pr', expected: true },
    { name: 'pr on empty string is false', filter: 'title pr', expected: false },
    { name: 'pr on absent attribute', filter: 'nickName pr', expected: false },
    { name: 'pr on complex', filter: 'name pr', expected: true },
    { name: 'eq null on absent attribute', filter: 'nickName eq null', expected: true },
    { name: 'ne on absent attribute', filter: 'nickName ne "x"', expected: true },
    { name: 'eq on absent attribute', filter: 'nickName eq "x"', expected: false },
    { name: 'multi-valued any value matches', filter: 'emails.value ew "jensen.org"', expected: true },
    { name: 'multi-valued implied value', filter: 'emails co "example.com"', expected: true },
    { name: 'value path both on the same entry', filter: 'emails[type eq "work" and value co "example.com"]', expected: true },
    { name: 'value path conditions on different entries do not match', filter: 'emails[type eq "home" and value co "example.com"]', expected: false },
    { name: 'value path followed by sub-attribute', filter: 'emails[type eq "work"].value eq "BJENSEN@example.com"', expected: true },
    { name: 'non-canonical phone type', filter: 'phoneNumbers[type eq "work2"]', expected: true },
    { name: 'and', filter: 'active eq true and name.givenName eq "barbara"', expected: true },
    { name: 'or', filter: 'active eq false or userName sw "b"', expected: true },
    { name: 'not', filter: 'not (active eq true)', expected: false },
    { name: 'precedence: false or (true and false)', filter: 'active eq false or userName pr and title pr', expected: false },
    { name: 'enterprise attribute', filter: `${ENT}:employeeNumber eq "701984"`, expected: true },
    { name: 'enterprise sub-attribute', filter: `${ENT}:manager.value eq "26118915"`, expected: true },
    { name: 'Genesys externalIds with single quotes', filter: `${GEN}:externalIds[authority eq 'MicrosoftTeams'].value eq "29:AbC"`, expected: true },
    { name: 'Genesys externalIds value is caseExact', filter: `${GEN}:externalIds[authority eq 'microsoftteams'].value eq "29:abc"`, expected: false },
    { name: 'id is caseExact', filter: 'id eq "2819C223-7F76-453A-919D-413861904646"', expected: false },
  ])('$name: $filter', ({ filter, expected }) => {
    expect(matchesFilter(user, parseFilter(filter), userContext)).toBe(expected);
  });

  it('rejects unknown attributes instead of not matching', () => {
    expectScimError(() => matchesFilter(user, parseFilter('nick eq "x"'), userContext), {
      status: 400,
      scimType: 'invalidFilter',
      detail: "Unknown attribute 'nick'",
    });
  });
});

describe('matchesFilter on entries of a multi-valued attribute', () => {
  const emails = userContext.resolve('emails')!;
  const roles = userContext.resolve('roles')!;
  it.each<{ name: string; entry: JsonObject; filter: string; expected: boolean }>([
    { name: 'type eq', entry: { value: 'a@x', type: 'Work' }, filter: 'type eq "work"', expected: true },
    { name: 'value not caseExact', entry: { value: 'A@X' }, filter: 'value eq "a@x"', expected: true },
    { name: 'type ne on entry without type', entry: { value: 'a@x' }, filter: 'type ne "work"', expected: true },
    { name: 'primary eq "True" (Entra)', entry: { value: 'r', primary: true }, filter: 'primary eq "True"', expected: true },
    { name: 'primary eq true on non-primary', entry: { value: 'r' }, filter: 'primary eq true', expected: false },
  ])('$name', ({ entry, filter, expected }) => {
    const scope = filter.startsWith('primary') ? roles : emails;
    expect(matchesFilter(entry, parseFilter(filter), scope)).toBe(expected);
  });
});
