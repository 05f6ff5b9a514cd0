import { Injectable } from '@nestjs/common';
import { asObject, numeric, optionalString } from '@app/runtime';
import type { ResourcePage, SchemaProfile, StoredResource, UserIds } from '@app/contracts';
import { parseFilter, parsePagination, parseSort, ScimError, UserSchemaContexts, validateFilter } from '@app/scim';
import { UsersQueryRepository } from '../persistence/users-query.repository';
import { etagOf, isUserId, StoredUser } from '../users/stored-user';

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
    const user = isUserId(id) ? await this.users.findById(tenantId, id) : undefined;
    if (user === undefined) throw new ScimError(404, undefined, `User '${id}' not found`);
    return stored(user);
  }

  async existing(tenantId: string, body: unknown): Promise<UserIds> {
    const ids = asObject(body, 'Body must be a JSON object').ids;
    if (!Array.isArray(ids) || ids.length > 10_000 || !ids.every((id) => typeof id === 'string')) {
      throw new ScimError(400, 'invalidValue', '"ids" must be an array of at most 10,000 strings');
    }
    const candidates = (ids as string[]).filter(isUserId);
    return { ids: candidates.length === 0 ? [] : await this.users.existingIds(tenantId, candidates) };
  }

  async query(tenantId: string, body: unknown): Promise<ResourcePage> {
    const request = asObject(body, 'Query body must be a JSON object');
    const profile = asObject(request.profile, 'Query needs a schema profile') as unknown as SchemaProfile;
    const context = this.contexts.of(profile);
    const filterText = optionalString(request.filter, 'filter');
    // Parsed and validated again here: the service never trusts text it turns into SQL.
    const filter = filterText === undefined ? undefined : validateFilter(parseFilter(filterText), context);
    const sort = parseSort({ sortBy: optionalString(request.sortBy, 'sortBy'), sortOrder: optionalString(request.sortOrder, 'sortOrder') }, context);
    const page = parsePagination({ startIndex: numeric(request.startIndex, 'startIndex'), count: numeric(request.count, 'count') }, PAGINATION);
    const { total, users } = await this.users.findPage(tenantId, { filter, sort, offset: page.startIndex - 1, limit: page.count });
    return { totalResults: total, resources: users.map(stored) };
  }
}

function stored(user: StoredUser): StoredResource {
  return { resource: user.resource, version: etagOf(user.version) };
}
