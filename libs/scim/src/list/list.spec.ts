import { buildListResponse, parseAttributeList, parseListQuery, parsePagination, parseSort, projectResource, type JsonObject } from '@app/scim';
import { CORE_USER, ENT, expectScimError, GEN, groupContext, userContext } from '../testing/helpers';

describe('parsePagination (RFC 7644 §3.4.2.4)', () => {
  const options = { defaultCount: 100, maxCount: 200 };
  it.each([
    { name: 'defaults', params: {}, expected: { startIndex: 1, count: 100 } },
    { name: 'explicit values', params: { startIndex: '11', count: '10' }, expected: { startIndex: 11, count: 10 } },
    { name: 'numbers', params: { startIndex: 5, count: 7 }, expected: { startIndex: 5, count: 7 } },
    { name: 'startIndex 0 is 1', params: { startIndex: '0' }, expected: { startIndex: 1, count: 100 } },
    { name: 'negative startIndex is 1', params: { startIndex: '-4' }, expected: { startIndex: 1, count: 100 } },
    { name: 'negative count is 0', params: { count: '-1' }, expected: { startIndex: 1, count: 0 } },
    { name: 'count 0 is kept (totalResults only)', params: { count: '0' }, expected: { startIndex: 1, count: 0 } },
    { name: 'count above the maximum is capped', params: { count: '5000' }, expected: { startIndex: 1, count: 200 } },
    { name: 'empty strings mean absent', params: { startIndex: '', count: '' }, expected: { startIndex: 1, count: 100 } },
    { name: 'surrounding spaces', params: { startIndex: ' 3 ' }, expected: { startIndex: 3, count: 100 } },
  ])('$name', ({ params, expected }) => {
    expect(parsePagination(params, options)).toEqual(expected);
  });

  it.each([
    { params: { count: 'ten' }, detail: '"count" must be an integer, got "ten"' },
    { params: { startIndex: '1.5' }, detail: '"startIndex" must be an integer, got "1.5"' },
  ])('non-integers are 400 invalidValue: $detail', ({ params, detail }) => {
    expectScimError(() => parsePagination(params, options), { status: 400, scimType: 'invalidValue', detail });
  });
});

describe('parseSort (RFC 7644 §3.4.2.3)', () => {
  it.each([
    { name: 'no sortBy', params: {}, expected: undefined },
    { name: 'sortOrder alone is ignored', params: { sortOrder: 'descending' }, expected: undefined },
    { name: 'default ascending', params: { sortBy: 'userName' }, expected: { path: 'userName', order: 'ascending' } },
    { name: 'descending, any case', params: { sortBy: 'name.familyName', sortOrder: 'DESCENDING' }, expected: { path: 'name.familyName', order: 'descending' } },
    { name: 'multi-valued sorts by value', params: { sortBy: 'emails' }, expected: { path: 'emails.value', order: 'ascending' } },
    { name: 'extension attribute', params: { sortBy: `${ENT}:employeeNumber` }, expected: { path: `${ENT}:employeeNumber`, order: 'ascending' } },
    { name: 'meta.lastModified', params: { sortBy: 'meta.lastModified', sortOrder: 'ascending' }, expected: { path: 'meta.lastModified', order: 'ascending' } },
  ])('$name', ({ params, expected }) => {
    const sort = parseSort(params, userContext);
    expect(sort === undefined ? undefined : { path: sort.attribute.path, order: sort.order }).toEqual(expected);
  });

  it.each([
    { params: { sortBy: 'shoeSize' }, detail: "Cannot sort by unknown attribute 'shoeSize'" },
    { params: { sortBy: 'name' }, detail: "Cannot sort by complex attribute 'name'" },
    { params: { sortBy: 'userName', sortOrder: 'up' }, detail: '"sortOrder" must be "ascending" or "descending", got "up"' },
    { params: { sortBy: 'a.b.c' }, detail: 'only one level of sub-attribute' },
  ])('400 invalidValue: $detail', ({ params, detail }) => {
    expectScimError(() => parseSort(params, userContext), { status: 400, scimType: 'invalidValue', detail });
  });
});

describe('buildListResponse', () => {
  it('wraps a page', () => {
    expect(buildListResponse([{ id: 'a' }, { id: 'b' }], { totalResults: 12, startIndex: 3 })).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: 12,
      itemsPerPage: 2,
      startIndex: 3,
      Resources: [{ id: 'a' }, { id: 'b' }],
    });
  });

  it('an empty page (count=0 or no match)', () => {
    expect(buildListResponse([], { totalResults: 0, startIndex: 1 })).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: 0,
      itemsPerPage: 0,
      startIndex: 1,
      Resources: [],
    });
  });
});

describe('parseAttributeList', () => {
  it.each([
    { input: undefined, expected: [] },
    { input: '', expected: [] },
    { input: 'userName', expected: ['userName'] },
    { input: ' userName , name.givenName,,emails ', expected: ['userName', 'name.givenName', 'emails'] },
  ])('$input', ({ input, expected }) => {
    expect(parseAttributeList(input)).toEqual(expected);
  });
});

const stored: JsonObject = {
  schemas: [CORE_USER, ENT, GEN],
  id: 'u1',
  externalId: 'e1',
  userName: 'bjensen',
  name: { givenName: 'Barbara', familyName: 'Jensen' },
  displayName: 'Babs',
  password: 'secret',
  active: true,
  emails: [{ value: 'b@x.org', type: 'work', primary: true }],
  groups: [{ value: 'g1', display: 'Sales' }],
  meta: { resourceType: 'User', lastModified: '2011-05-13T04:42:34Z' },
  [ENT]: { employeeNumber: '7', manager: { value: 'm1', displayName: 'Boss' } },
  [GEN]: { externalIds: [{ authority: 'microsoftteams', value: '29:x' }] },
};
const { password: _password, ...withoutPassword } = stored;

describe('projectResource (RFC 7644 §3.4.2.5, RFC 7643 §2.2 "returned")', () => {
  it.each<{ name: string; attributes?: string[]; excludedAttributes?: string[]; expected: JsonObject }>([
    { name: 'default: everything but returned=never (password)', expected: withoutPassword },
    {
      name: 'attributes keeps always-returned id, schemas and userName',
      attributes: ['displayName'],
      expected: { schemas: [CORE_USER, ENT, GEN], id: 'u1', userName: 'bjensen', displayName: 'Babs' },
    },
    {
      name: 'attributes with a sub-attribute returns only that part',
      attributes: ['name.givenName', 'emails.value'],
      expected: { schemas: [CORE_USER, ENT, GEN], id: 'u1', userName: 'bjensen', name: { givenName: 'Barbara' }, emails: [{ value: 'b@x.org' }] },
    },
    {
      name: 'attribute names are case-insensitive',
      attributes: ['DISPLAYNAME', 'Name'],
      expected: { schemas: [CORE_USER, ENT, GEN], id: 'u1', userName: 'bjensen', name: { givenName: 'Barbara', familyName: 'Jensen' }, displayName: 'Babs' },
    },
    {
      name: 'asking for password still never returns it',
      attributes: ['password'],
      expected: { schemas: [CORE_USER, ENT, GEN], id: 'u1', userName: 'bjensen' },
    },
    {
      name: 'extension attribute by URN path',
      attributes: [`${ENT}:manager.value`],
      expected: { schemas: [CORE_USER, ENT, GEN], id: 'u1', userName: 'bjensen', [ENT]: { manager: { value: 'm1' } } },
    },
    {
      name: 'a whole extension by its URN',
      attributes: [GEN],
      expected: { schemas: [CORE_USER, ENT, GEN], id: 'u1', userName: 'bjensen', [GEN]: stored[GEN]! },
    },
    {
      name: 'unknown attributes are ignored',
      attributes: ['shoeSize', 'active'],
      expected: { schemas: [CORE_USER, ENT, GEN], id: 'u1', userName: 'bjensen', active: true },
    },
    {
      name: 'excludedAttributes removes default attributes',
      excludedAttributes: ['emails', 'groups', 'meta', ENT, GEN, 'name', 'active', 'externalId'],
      expected: { schemas: [CORE_USER, ENT, GEN], id: 'u1', userName: 'bjensen', displayName: 'Babs' },
    },
    {
      name: 'excludedAttributes cannot remove always-returned attributes',
      excludedAttributes: ['id', 'userName', 'displayName', 'name', 'emails', 'groups', 'meta', 'active', 'externalId', ENT, GEN],
      expected: { schemas: [CORE_USER, ENT, GEN], id: 'u1', userName: 'bjensen' },
    },
    {
      name: 'excludedAttributes with a sub-attribute',
      excludedAttributes: ['name.familyName', `${ENT}:manager`, 'emails.primary'],
      expected: {
        ...withoutPassword,
        name: { givenName: 'Barbara' },
        emails: [{ value: 'b@x.org', type: 'work' }],
        [ENT]: { employeeNumber: '7' },
      },
    },
  ])('$name', ({ attributes, excludedAttributes, expected }) => {
    expect(projectResource(stored, userContext, { ...(attributes ? { attributes } : {}), ...(excludedAttributes ? { excludedAttributes } : {}) })).toEqual(expected);
  });

  it('Entra group lookups exclude members', () => {
    const group: JsonObject = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], id: 'g1', displayName: 'S', members: [{ value: 'u1' }] };
    expect(projectResource(group, groupContext, { excludedAttributes: ['members'] })).toEqual({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      id: 'g1',
      displayName: 'S',
    });
  });
});

describe('parseListQuery', () => {
  const options = { defaultCount: 50, maxCount: 100 };

  it('reads every parameter, names ignoring case', () => {
    const query = parseListQuery(
      {
        filter: 'userName eq "Test_User_00aa00aa-00aa-00aa-00aa-00aa00aa00aa"',
        StartIndex: '2',
        count: ['500', '1'],
        sortBy: 'displayName',
        sortorder: 'descending',
        attributes: 'userName,emails',
        excludedAttributes: 'groups',
      },
      userContext,
      options,
    );
    expect({ ...query, filter: undefined, sort: { path: query.sort?.attribute.path, order: query.sort?.order } }).toEqual({
      filter: undefined,
      startIndex: 2,
      count: 100,
      sort: { path: 'displayName', order: 'descending' },
      attributes: ['userName', 'emails'],
      excludedAttributes: ['groups'],
    });
    expect(query.filter).toMatchObject({ type: 'compare', operator: 'eq', attribute: { path: 'userName' } });
  });

  it('without parameters', () => {
    expect(parseListQuery({}, userContext, options)).toEqual({ startIndex: 1, count: 50, attributes: [], excludedAttributes: [] });
  });

  it.each([
    { query: { filter: 'userName eq' }, scimType: 'invalidFilter' as const, detail: "Expected a comparison value after 'eq'" },
    { query: { filter: 'nope eq "x"' }, scimType: 'invalidFilter' as const, detail: "Unknown attribute 'nope' in filter" },
    { query: { count: 'x' }, scimType: 'invalidValue' as const, detail: '"count" must be an integer' },
  ])('errors: $detail', ({ query, scimType, detail }) => {
    expectScimError(() => parseListQuery(query, userContext, options), { status: 400, scimType, detail });
  });
});
