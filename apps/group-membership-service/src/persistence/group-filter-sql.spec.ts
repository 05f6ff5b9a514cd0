/** Group filters → parameterised SQL: members value paths become index-backed EXISTS probes. */
import { parseFilter, parseSort, SchemaRegistry, ScimError, validateFilter } from '@app/scim';
import { groupSortToSql } from './group-filter-sql';
import { groupSelection } from './groups-query.repository';

const context = SchemaRegistry.createDefault().context('Group');
const G = '33333333-3333-4333-8333-333333333333';
const U = '11111111-1111-4111-8111-111111111111';

function sql(filter: string, managedOnly = false) {
  return groupSelection('t1', validateFilter(parseFilter(filter), context), managedOnly);
}

describe('group filter SQL', () => {
  it.each([
    { filter: 'displayName eq "Sales"', where: 'g.tenant_id = $1 AND lower(g.display_name) = lower($2::text)', values: ['t1', 'Sales'] },
    { filter: 'externalId eq "E-1"', where: 'g.tenant_id = $1 AND (g.external_id IS NOT NULL AND g.external_id = $2::text)', values: ['t1', 'E-1'] },
    {
      filter: `id eq "${G}" and members[value eq "${U}"]`,
      where: `g.tenant_id = $1 AND (g.id = $2::uuid AND EXISTS (SELECT 1 FROM memberships m WHERE m.tenant_id = g.tenant_id AND m.group_id = g.id AND m.member_id = $3::uuid))`,
      values: ['t1', G, U],
    },
    { filter: 'displayName sw "Sa"', where: 'g.tenant_id = $1 AND lower(g.display_name) LIKE lower($2::text)', values: ['t1', 'Sa%'] },
  ])('$filter', ({ filter, where, values }) => {
    const out = sql(filter);
    expect(out.where).toBe(where);
    expect(out.params.values).toEqual(values);
  });

  it('merges an or chain of member terms into one probe for any of the ids, keeping the other terms', () => {
    const V = '22222222-2222-4222-8222-222222222222';
    const out = sql(`members[value eq "${U}"] or displayName eq "x" or members.value eq "${V}" or members[value eq "not-a-uuid"] or members[value eq "${U}"]`);
    expect(out.where).toBe(
      'g.tenant_id = $1 AND (lower(g.display_name) = lower($2::text) OR EXISTS (SELECT 1 FROM memberships m WHERE m.tenant_id = g.tenant_id AND m.group_id = g.id AND m.member_id = ANY($3::uuid[])))',
    );
    expect(out.params.values).toEqual(['t1', 'x', [U, V]]);
    const many = sql(Array.from({ length: 100 }, (_, i) => `members[value eq "${U.slice(0, -3)}${String(i).padStart(3, '0')}"]`).join(' or '));
    expect(many.where.match(/EXISTS/g)).toHaveLength(1);
    expect(sql('members[value eq "a"] or members[value eq "b"]').where).toBe('g.tenant_id = $1 AND FALSE');
  });

  it('scopes to managed groups under managedResources', () => {
    expect(sql('displayName eq "x"', true).where).toBe('g.tenant_id = $1 AND g.managed AND lower(g.display_name) = lower($2::text)');
  });

  it('a member id that is not a UUID matches nothing instead of failing the cast', () => {
    expect(sql('members[value eq "nope"]').where).toBe('g.tenant_id = $1 AND FALSE');
  });

  it('refuses member filters other than value eq', () => {
    expect(() => sql('members[display eq "x"]')).toThrow(ScimError);
  });
});

describe('group sort SQL', () => {
  const context = SchemaRegistry.createDefault().context('Group');
  it.each([
    [undefined, undefined, 'g.created_at ASC, g.id ASC'],
    ['displayName', undefined, 'lower(g.display_name) ASC NULLS LAST, g.id ASC'],
    ['DISPLAYNAME', 'descending', 'lower(g.display_name) DESC NULLS LAST, g.id ASC'],
    ['externalId', 'ascending', 'g.external_id ASC NULLS LAST, g.id ASC'],
    ['meta.lastModified', 'descending', 'g.last_modified DESC NULLS LAST, g.id ASC'],
  ])('sortBy %s %s → %s', (sortBy, sortOrder, sql) => {
    expect(groupSortToSql(parseSort({ ...(sortBy ? { sortBy } : {}), ...(sortOrder ? { sortOrder } : {}) }, context))).toBe(sql);
  });

  it('refuses sorting by members', () => {
    expect(() => groupSortToSql(parseSort({ sortBy: 'members' }, context))).toThrow(ScimError);
  });
});
