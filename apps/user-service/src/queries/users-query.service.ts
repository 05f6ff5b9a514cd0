import { Injectable } from '@nestjs/common';
import type { ResourcePage, ResourceQuery, StoredResource, UserIds } from '@app/contracts';
import { etagOf, parseFilter, parsePagination, parseSort, ScimError, UserSchemaContexts, validateFilter } from '@app/scim';
import { UsersQueryRepository } from '../persistence/users-query.repository';
import { StoredUser } from '../users/stored-user';
import { isUuid } from '@app/persistence';

/** RFC 7644 §3.4.2.4 lets the service cap the page; the gateway applies its own first. */
const PAGINATION = { defaultCount: 100, maxCount: 1000 };

/** GET /Users/{id}, GET /Users and POST /Users/.search as the gateway forwards them. */
@Injectable()
export class UsersQueryService {
  constructor(
    private readonly contexts: UserSchemaContexts,
    private readonly users: UsersQueryRepository,
  ) {}

  async get(tenantId: string, id: string): Promise<StoredResource> {
    const user = isUuid(id) ? await this.users.findById(tenantId, id) : undefined;
    if (user === undefined) throw new ScimError(404, undefined, `User '${id}' not found`);
    return stored(user);
  }

  async existing(tenantId: string, ids: readonly string[]): Promise<UserIds> {
    const candidates = ids.filter(isUuid);
    return { ids: candidates.length === 0 ? [] : await this.users.existingIds(tenantId, candidates) };
  }

  async query(tenantId: string, request: ResourceQuery): Promise<ResourcePage> {
    const context = this.contexts.of(request.profile);
    // Parsed and validated again here: the service never trusts text it turns into SQL.
    const filter = request.filter === undefined ? undefined : validateFilter(parseFilter(request.filter), context);
    const sort = parseSort({ sortBy: request.sortBy, sortOrder: request.sortOrder }, context);
    const page = parsePagination({ startIndex: request.startIndex, count: request.count }, PAGINATION);
    const { total, users } = await this.users.findPage(tenantId, { filter, sort, offset: page.startIndex - 1, limit: page.count });
    return { totalResults: total, resources: users.map(stored) };
  }
}

function stored(user: StoredUser): StoredResource {
  return { resource: user.resource, version: etagOf(user.version) };
}
