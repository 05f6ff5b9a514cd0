import { GroupsOfUsersBody, ResourceQueryBody } from '@app/contracts';
import { ScimError } from '@app/scim';
import { InternalBody } from './internal-body';

describe('InternalBody', () => {
  const queries = new InternalBody(ResourceQueryBody);
  const profile = { extensions: [], mutabilityOverrides: {}, unknownAttributes: 'ignore' };

  it('hands on a body that matches its contract', () => {
    const body = { profile, filter: 'userName eq "a"', startIndex: 1, count: 10, sortOrder: 'descending' };
    expect(queries.transform(body)).toBe(body);
  });

  it.each([
    ['no profile', { startIndex: 1, count: 10 }],
    ['a page as text', { profile, startIndex: 'one', count: 10 }],
    ['an unknown sort order', { profile, startIndex: 1, count: 10, sortOrder: 'up' }],
    ['a member the contract does not have', { profile, startIndex: 1, count: 10, limit: 5 }],
    ['no object at all', 'filter=x'],
  ])('refuses %s with 400 invalidValue', (_what, body) => {
    expect(() => queries.transform(body)).toThrow(ScimError);
    expect(() => queries.transform(body)).toThrow(expect.objectContaining({ status: 400, scimType: 'invalidValue' }));
  });

  it('bounds a page of user ids', () => {
    const groups = new InternalBody(GroupsOfUsersBody);
    expect(() => groups.transform({ userIds: Array(1001).fill('u'), scope: { managedOnly: false } })).toThrow(/userIds/);
  });
});
