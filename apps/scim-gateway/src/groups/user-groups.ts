import type { JsonObject, ListQuery } from '@app/scim';
import type { ResourceTenant } from '../resources/resource-type';
import { GroupQueryClient } from './group-query.client';
import { scopeOf } from './group-resource-type';

/**
 * Fills the User's read-only `groups` attribute (RFC 7643 §4.1.2: the groups the user is a
 * direct member of) from the group-membership-service's memberships, one request per page.
 */
export class UserGroups {
  constructor(private readonly groups: GroupQueryClient) {}

  /** Adds `groups` to each user resource that has any, unless the query leaves the attribute out. */
  async fill(tenant: ResourceTenant, users: JsonObject[], query: Pick<ListQuery, 'attributes' | 'excludedAttributes'>, baseUrl: string): Promise<JsonObject[]> {
    if (!wanted(query) || users.length === 0) return users;
    const byUser = await this.groups.groupsOfUsers(
      tenant.id,
      users.map((u) => String(u.id)),
      scopeOf(tenant),
    );
    return users.map((user) => {
      const refs = byUser.get(String(user.id).toLowerCase()) ?? [];
      if (refs.length === 0) return user;
      const groups = refs.map((g) => ({ value: g.value, $ref: `${baseUrl}/Groups/${g.value}`, ...(g.display !== undefined ? { display: g.display } : {}) }));
      return { ...user, groups };
    });
  }
}

function wanted(query: Pick<ListQuery, 'attributes' | 'excludedAttributes'>): boolean {
  const named = (list: string[]) => list.some((a) => a.toLowerCase() === 'groups' || a.toLowerCase().startsWith('groups.'));
  if (named(query.excludedAttributes)) return false;
  return query.attributes.length === 0 || named(query.attributes);
}
