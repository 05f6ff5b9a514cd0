import { ResourcePage, ResourceQuery, StoredResource, UserQueryRoutes } from '@app/contracts';
import { ScimError, ScimErrorResponse } from '@app/scim';

/**
 * The user-service's internal query API, over HTTP with keep-alive (Node's fetch). Reads go to
 * the owning service's store; the gateway keeps no copy of user data.
 */
export class UserQueryClient {
  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs: number,
  ) {}

  async byId(tenantId: string, id: string): Promise<StoredResource | null> {
    const res = await this.call(UserQueryRoutes.byId(tenantId, id), { method: 'GET' });
    if (res.status === 404) return null;
    return (await this.expectOk(res)) as StoredResource;
  }

  async query(tenantId: string, query: ResourceQuery): Promise<ResourcePage> {
    const res = await this.call(UserQueryRoutes.query(tenantId), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(query),
    });
    return (await this.expectOk(res)) as ResourcePage;
  }

  private async call(path: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(this.baseUrl + path, { ...init, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err) {
      throw new ScimError(503, undefined, `user store unavailable: ${(err as Error).message}`);
    }
  }

  /** A 4xx from the service carries a SCIM error body (e.g. invalidFilter); it is passed on as is. */
  private async expectOk(res: Response): Promise<unknown> {
    const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    if (res.ok) return body;
    if (res.status >= 400 && res.status < 500 && Array.isArray(body.schemas)) {
      const error = body as unknown as ScimErrorResponse;
      throw new ScimError(res.status, error.scimType, error.detail ?? 'request refused by the user store');
    }
    throw new ScimError(503, undefined, `user store answered ${res.status}`);
  }
}
