import { Injectable } from '@nestjs/common';
import { asObject, numeric, optionalString } from '@app/runtime';
import type { ResourcePage, StoredResource, UserGroupRef } from '@app/contracts';
import { parseFilter, parsePagination, parseSort, SchemaRegistry, ScimError, validateFilter, type SchemaContext } from '@app/scim';
import { GroupsQueryRepository } from '../persistence/groups-query.repository';
import { etagOf, isUuid, MemberJson, StoredGroup, withMembers } from '../groups/stored-group';

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

  async query(tenantId: string, body: unknown): Promise<ResourcePage> {
    const request = asObject(body, 'Query body must be a JSON object');
    const scope = asObject(request.scope ?? {}, '"scope" must be an object');
    const managedOnly = scope.managedOnly === true;
    const filterText = optionalString(request.filter, 'filter');
    const filter = filterText === undefined ? undefined : validateFilter(parseFilter(filterText), this.context);
    const page = parsePagination({ startIndex: numeric(request.startIndex, 'startIndex'), count: numeric(request.count, 'count') }, PAGINATION);
    const sort = parseSort({ sortBy: optionalString(request.sortBy, 'sortBy'), sortOrder: optionalString(request.sortOrder, 'sortOrder') }, this.context);
    const { total, groups } = await this.groups.findPage(tenantId, { filter, sort, managedOnly, offset: page.startIndex - 1, limit: page.count });
    const members = request.excludeMembers === true ? undefined : await this.groups.membersOf(tenantId, groups.map((g) => g.id));
    return { totalResults: total, resources: groups.map((g) => stored(g, members?.get(g.id) ?? (members ? [] : undefined))) };
  }

  async groupsOfUser(tenantId: string, userId: string, managedOnly: boolean): Promise<{ groups: UserGroupRef[] }> {
    return { groups: isUuid(userId) ? await this.groups.groupsOfUser(tenantId, userId, managedOnly) : [] };
  }

  async groupsOfUsers(tenantId: string, body: unknown): Promise<{ groups: Record<string, UserGroupRef[]> }> {
    const request = asObject(body, 'Body must be a JSON object');
    const ids = request.userIds;
    if (!Array.isArray(ids) || ids.length > PAGINATION.maxCount) throw new ScimError(400, 'invalidValue', `"userIds" must be an array of at most ${PAGINATION.maxCount} ids`);
    const scope = asObject(request.scope ?? {}, '"scope" must be an object');
    const userIds = [...new Set(ids.filter(isUuid).map((id) => id.toLowerCase()))];
    const byUser = await this.groups.groupsOfUsers(tenantId, userIds, scope.managedOnly === true);
    return { groups: Object.fromEntries(byUser) };
  }
}

function stored(group: StoredGroup, members: MemberJson[] | undefined): StoredResource {
  return { resource: withMembers(group.resource, members), version: etagOf(group.version) };
}
