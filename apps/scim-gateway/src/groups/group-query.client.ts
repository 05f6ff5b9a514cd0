import { GroupQuery, GroupQueryRoutes, GroupScope, ResourcePage, StoredResource, UserGroupRef } from '@app/contracts';
import { ScimError, ScimErrorResponse } from '@app/scim';

/** The group-membership-service's internal query API over HTTP (the gateway keeps no group data). */
export class GroupQueryClient {
  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs: number,
  ) {}

  async byId(tenantId: string, id: string, options: { excludeMembers: boolean; scope: GroupScope }): Promise<StoredResource | null> {
    const query = `?excludeMembers=${options.excludeMembers}&managedOnly=${options.scope.managedOnly}`;
    const res = await this.call(GroupQueryRoutes.byId(tenantId, id) + query, { method: 'GET' });
    if (res.status === 404) return null;
    return (await this.expectOk(res)) as StoredResource;
  }

  async query(tenantId: string, query: GroupQuery): Promise<ResourcePage> {
    const res = await this.call(GroupQueryRoutes.query(tenantId), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(query) });
    return (await this.expectOk(res)) as ResourcePage;
  }

  async groupsOfUser(tenantId: string, userId: string, scope: GroupScope): Promise<UserGroupRef[]> {
    const res = await this.call(`${GroupQueryRoutes.groupsOfUser(tenantId, userId)}?managedOnly=${scope.managedOnly}`, { method: 'GET' });
    return ((await this.expectOk(res)) as { groups: UserGroupRef[] }).groups;
  }

  /** User.groups for a page of users, in one request. */
  async groupsOfUsers(tenantId: string, userIds: readonly string[], scope: GroupScope): Promise<Map<string, UserGroupRef[]>> {
    if (userIds.length === 0) return new Map();
    const res = await this.call(GroupQueryRoutes.groupsOfUsers(tenantId), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userIds, scope }),
    });
    const { groups } = (await this.expectOk(res)) as { groups: Record<string, UserGroupRef[]> };
    return new Map(Object.entries(groups));
  }

  private async call(path: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(this.baseUrl + path, { ...init, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err) {
      throw new ScimError(503, undefined, `group store unavailable: ${(err as Error).message}`);
    }
  }

  private async expectOk(res: Response): Promise<unknown> {
    const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    if (res.ok) return body;
    if (res.status >= 400 && res.status < 500 && Array.isArray(body.schemas)) {
      const error = body as unknown as ScimErrorResponse;
      throw new ScimError(res.status, error.scimType, error.detail ?? 'request refused by the group store');
    }
    throw new ScimError(503, undefined, `group store answered ${res.status}`);
  }
}
