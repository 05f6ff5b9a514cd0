import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { GatewayError } from '../errors/gateway-error';
import type { OAuthClientRecord, OAuthClientWithTenant } from './oauth-client-records';

interface ClientRow {
  id: string;
  tenant_id: string;
  name: string;
  created_at: Date;
  revoked_at: Date | null;
  last_token_at: Date | null;
}

const COLUMNS = 'id, tenant_id, name, created_at, revoked_at, last_token_at';

/**
 * SQL over `oauth_clients`. Every method takes the tenant id except the two whose purpose is to
 * find which tenant a client belongs to (their names say "AcrossTenants").
 */
@Injectable()
export class OAuthClientRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Throws GatewayError(tenantNotFound) when the tenant does not exist. */
  async insert(tenantId: string, name: string, secretHash: string): Promise<OAuthClientRecord> {
    const rows: ClientRow[] = await this.dataSource.query(
      `INSERT INTO oauth_clients (tenant_id, name, secret_hash)
       SELECT id, $2, $3 FROM tenants WHERE id = $1 RETURNING ${COLUMNS}`,
      [tenantId, name, secretHash],
    );
    if (!rows[0]) throw GatewayError.tenantNotFound(tenantId);
    return toRecord(rows[0]);
  }

  async listByTenant(tenantId: string): Promise<OAuthClientRecord[]> {
    const rows: ClientRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM oauth_clients WHERE tenant_id = $1 ORDER BY created_at, id`, [tenantId]);
    return rows.map(toRecord);
  }

  /** Marks the client revoked (keeping the first revocation time); undefined when the tenant has no such client. */
  async revoke(tenantId: string, clientId: string, at: Date): Promise<OAuthClientRecord | undefined> {
    const [rows]: [ClientRow[], number] = await this.dataSource.query(
      `UPDATE oauth_clients SET revoked_at = COALESCE(revoked_at, $3) WHERE tenant_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
      [tenantId, clientId, at],
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  async recordTokenIssued(tenantId: string, clientId: string, at: Date): Promise<void> {
    await this.dataSource.query('UPDATE oauth_clients SET last_token_at = GREATEST(COALESCE(last_token_at, $3), $3) WHERE tenant_id = $1 AND id = $2', [tenantId, clientId, at]);
  }

  /** The client with its secret hash and its tenant, for the token endpoint and token verification. */
  async findWithTenantAcrossTenants(clientId: string): Promise<OAuthClientWithTenant | undefined> {
    const rows: Array<ClientRow & { secret_hash: string; tenant_name: string; tenant_profile: Record<string, unknown>; tenant_created_at: Date }> = await this.dataSource.query(
      `SELECT c.id, c.tenant_id, c.name, c.created_at, c.revoked_at, c.last_token_at, c.secret_hash,
                t.name AS tenant_name, t.profile AS tenant_profile, t.created_at AS tenant_created_at
           FROM oauth_clients c JOIN tenants t ON t.id = c.tenant_id
          WHERE c.id = $1`,
      [clientId],
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      client: { ...toRecord(row), secretHash: row.secret_hash },
      tenant: { id: row.tenant_id, name: row.tenant_name, profile: row.tenant_profile, createdAt: row.tenant_created_at },
    };
  }

  /** Which tenant a client belongs to (the CLI revokes by client id alone). */
  async findTenantIdAcrossTenants(clientId: string): Promise<string | undefined> {
    const rows: Array<{ tenant_id: string }> = await this.dataSource.query('SELECT tenant_id FROM oauth_clients WHERE id = $1', [clientId]);
    return rows[0]?.tenant_id;
  }
}

function toRecord(row: ClientRow): OAuthClientRecord {
  return {
    clientId: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
    lastTokenAt: row.last_token_at,
  };
}
