import { GroupQueryRoutes } from './group-commands';
import { UserQueryRoutes } from './user-commands';

describe('internal API routes', () => {
  it('fill their pattern with URL-encoded values, so the client calls what the controller mounts', () => {
    expect(UserQueryRoutes.byId.pattern).toBe('/internal/v1/tenants/:tenantId/users/:id');
    expect(UserQueryRoutes.byId.path({ tenantId: 't/1', id: 'a b' })).toBe('/internal/v1/tenants/t%2F1/users/a%20b');
    expect(GroupQueryRoutes.groupsOfUsers.path({ tenantId: 't1' })).toBe('/internal/v1/tenants/t1/users/groups');
    expect([UserQueryRoutes.query.method, GroupQueryRoutes.byId.method]).toEqual(['POST', 'GET']);
  });
});
