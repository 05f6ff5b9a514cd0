/** Rows of the tenant registry as the repositories hand them to the services. */
export interface TenantRecord {
  id: string;
  name: string;
  /** The stored connector profile JSON; the service validates it into a ConnectorProfile. */
  profile: Record<string, unknown>;
  createdAt: Date;
}

export interface TokenRecord {
  id: string;
  tenantId: string;
  name: string;
  createdAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

export interface TokenWithTenant {
  token: TokenRecord & { tokenHash: string };
  tenant: TenantRecord;
}
