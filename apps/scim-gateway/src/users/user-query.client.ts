import { ResourcePage, ResourceQuery, StoredResource, UserQueryRoutes } from '@app/contracts';
import { InternalQueryClient } from '../resources/internal-query.client';

/** The user-service's internal query API; the gateway keeps no copy of user data. */
export class UserQueryClient {
  private readonly http: InternalQueryClient;

  constructor(baseUrl: string, timeoutMs: number, headers: Record<string, string> = {}) {
    this.http = new InternalQueryClient(baseUrl, timeoutMs, 'user store', headers);
  }

  byId(tenantId: string, id: string): Promise<StoredResource | null> {
    return this.http.find(UserQueryRoutes.byId.path({ tenantId, id }));
  }

  query(tenantId: string, query: ResourceQuery): Promise<ResourcePage> {
    return this.http.post(UserQueryRoutes.query.path({ tenantId }), query);
  }
}
