/**
 * A client of the gateway's admin API, for `npm run up` (the dev tenant), the benchmarks and the
 * end-to-end tests: create a tenant with a connector profile and issue it a token.
 */
export interface ProvisionedTenant {
  tenantId: string;
  token: string;
  scimUrl: string;
}

export class AdminClient {
  constructor(
    private readonly gatewayUrl: string,
    private readonly adminToken: string,
    private readonly scimBasePath = '/scim/v2',
  ) {}

  async createTenant(name: string, profile: Record<string, unknown>): Promise<ProvisionedTenant> {
    const tenant = (await this.call('POST', '/admin/v1/tenants', { name, profile })) as { id: string };
    return this.issueToken(tenant.id);
  }

  /** The tenant of that name, created if missing, with a fresh token. */
  async ensureTenant(name: string, profile: Record<string, unknown>): Promise<ProvisionedTenant> {
    const { tenants } = (await this.call('GET', '/admin/v1/tenants')) as { tenants: Array<{ id: string; name: string }> };
    const existing = tenants.find((t) => t.name === name);
    if (!existing) return this.createTenant(name, profile);
    await this.call('PUT', `/admin/v1/tenants/${existing.id}/profile`, profile);
    return this.issueToken(existing.id);
  }

  async issueToken(tenantId: string): Promise<ProvisionedTenant> {
    const issued = (await this.call('POST', `/admin/v1/tenants/${tenantId}/tokens`, { name: 'issued by deploy/local' })) as { token: string };
    return { tenantId, token: issued.token, scimUrl: `${this.gatewayUrl}${this.scimBasePath}` };
  }

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await fetch(`${this.gatewayUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.adminToken}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`admin API ${method} ${path} answered ${res.status}: ${text}`);
    return text ? JSON.parse(text) : undefined;
  }
}

/** The dev tenant `npm run up` creates: Genesys-like, with the enterprise and Genesys User extensions. */
export const DEV_TENANT_PROFILE = {
  userExtensions: ['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User', 'urn:ietf:params:scim:schemas:extension:genesys:purecloud:2.0:User'],
};
