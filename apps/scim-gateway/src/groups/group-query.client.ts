import { GroupQuery, GroupQueryRoutes, GroupScope, ResourcePage, StoredResource, UserGroupRef } from '@app/contracts';
import { InternalQueryClient } from '../resources/internal-query.client';

/** The group-membership-service's internal query API (the gateway keeps no group data). */
export class GroupQueryClient {
  private readonly http: InternalQueryClient;

  constructor(baseUrl: string, timeoutMs: number, headers: Record<string, string> = {}) {
    this.http = new InternalQueryClient(baseUrl, timeoutMs, 'group store', headers);
  }

  byId(tenantId: string, id: string, options: { excludeMembers: boolean; scope: GroupScope }): Promise<StoredResource | null> {
    return this.http.find(`${GroupQueryRoutes.byId.path({ tenantId, id })}?excludeMembers=${options.excludeMembers}&managedOnly=${options.scope.managedOnly}`);
  }

  query(tenantId: string, query: GroupQuery): Promise<ResourcePage> {
    return this.http.post(GroupQueryRoutes.query.path({ tenantId }), query);
  }

  /** User.groups for a page of users, in one request. */
  async groupsOfUsers(tenantId: string, userIds: readonly string[], scope: GroupScope): Promise<Map<string, UserGroupRef[]>> {
    if (userIds.length === 0) return new Map();
    const { groups } = await this.http.post<{ groups: Record<string, UserGroupRef[]> }>(GroupQueryRoutes.groupsOfUsers.path({ tenantId }), { userIds, scope });
    return new Map(Object.entries(groups));
  }
}
