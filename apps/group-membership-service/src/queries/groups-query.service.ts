import { Injectable } from '@nestjs/common';
import type { GroupQuery, GroupsOfUsersQuery, ResourcePage, StoredResource, UserGroupRef } from '@app/contracts';
import { etagOf, parseFilter, parsePagination, parseSort, type SchemaContext, SchemaRegistry, ScimError, validateFilter } from '@app/scim';
import { GroupsQueryRepository } from '../persistence/groups-query.repository';
import { MemberJson, StoredGroup, withMembers } from '../groups/stored-group';
import { isUuid } from '@app/persistence';

const PAGINATION = { defaultCount: 100, maxCount: 1000 };

/** GET /Groups/{id}, GET /Groups, POST /Groups/.search and User.groups as the gateway forwards them. */
@Injectable()
export class GroupsQueryService {
  private readonly context: SchemaContext = SchemaRegistry.createDefault().context('Group');

  constructor(private readonly groups: GroupsQueryRepository) {}

  async get(tenantId: string, id: string, options: { excludeMembers: boolean; managedOnly: boolean }): Promise<StoredResource> {
    const group = isUuid(id) ? await this.groups.findById(tenantId, id, options.managedOnly) : undefined;
    if (group === undefined) throw new ScimError(404, undefined, `Group '${id}' not found`);
    // excludedAttributes=members never reads a member row (Entra asks this way for large groups).
    const members = options.excludeMembers ? undefined : (await this.groups.membersOf(tenantId, [group.id])).get(group.id);
    return stored(group, members);
  }

  async query(tenantId: string, request: GroupQuery): Promise<ResourcePage> {
    const filter = request.filter === undefined ? undefined : validateFilter(parseFilter(request.filter), this.context);
    const page = parsePagination({ startIndex: request.startIndex, count: request.count }, PAGINATION);
    const sort = parseSort({ sortBy: request.sortBy, sortOrder: request.sortOrder }, this.context);
    const managedOnly = request.scope.managedOnly;
    const { total, groups } = await this.groups.findPage(tenantId, { filter, sort, managedOnly, offset: page.startIndex - 1, limit: page.count });
    const members =
      request.excludeMembers === true
        ? undefined
        : await this.groups.membersOf(
            tenantId,
            groups.map((g) => g.id),
          );
    return { totalResults: total, resources: groups.map((g) => stored(g, members?.get(g.id) ?? (members ? [] : undefined))) };
  }

  async groupsOfUsers(tenantId: string, request: GroupsOfUsersQuery): Promise<{ groups: Record<string, UserGroupRef[]> }> {
    const userIds = [...new Set(request.userIds.filter(isUuid).map((id) => id.toLowerCase()))];
    const byUser = await this.groups.groupsOfUsers(tenantId, userIds, request.scope.managedOnly);
    return { groups: Object.fromEntries(byUser) };
  }
}

function stored(group: StoredGroup, members: MemberJson[] | undefined): StoredResource {
  return { resource: withMembers(group.resource, members), version: etagOf(group.version) };
}
