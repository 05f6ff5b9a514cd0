import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { GatewayError } from '../errors/gateway-error';
import type { TokenRecord, TokenWithTenant } from './tenant-records';

interface TokenRow {
  id: string;
  tenant_id: string;
  name: string;
  created_at: Date;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

const COLUMNS = 'id, tenant_id, name, created_at, revoked_at, last_used_at';

/**
 * SQL over `tenant_tokens`. Every method takes the tenant id except the two whose purpose is
 * to find which tenant a credential belongs to (their names say "AcrossTenants").
 */
@Injectable()
export class TenantTokenRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Throws GatewayError(tenantNotFound) when the tenant does not exist. */
  async insert(tenantId: string, name: string, tokenHash: string): Promise<TokenRecord> {
    // Inserting from the tenant row makes "no such tenant" an empty result rather than a
    // foreign-key error (the key still guards against a tenant deleted meanwhile).
    const rows: TokenRow[] = await this.dataSource.query(
      `INSERT INTO tenant_tokens (tenant_id, name, token_hash)
       SELECT id, $2, $3 FROM tenants WHERE id = $1 RETURNING ${COLUMNS}`,
      [tenantId, name, tokenHash],
    );
    if (!rows[0]) throw GatewayError.tenantNotFound(tenantId);
    return toRecord(rows[0]);
  }

  async listByTenant(tenantId: string): Promise<TokenRecord[]> {
    const rows: TokenRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM tenant_tokens WHERE tenant_id = $1 ORDER BY created_at, id`, [tenantId]);
    return rows.map(toRecord);
  }

  /**
   * Marks the token revoked (keeping the first revocation time when it already was) and returns
   * it with its hash, so the caller can drop it from caches; undefined when the tenant has no such token.
   */
  async revoke(tenantId: string, tokenId: string, at: Date): Promise<(TokenRecord & { tokenHash: string }) | undefined> {
    const [rows]: [Array<TokenRow & { token_hash: string }>, number] = await this.dataSource.query(
      `UPDATE tenant_tokens SET revoked_at = COALESCE(revoked_at, $3)
        WHERE tenant_id = $1 AND id = $2 RETURNING ${COLUMNS}, token_hash`,
      [tenantId, tokenId, at],
    );
    return rows[0] ? { ...toRecord(rows[0]), tokenHash: rows[0].token_hash } : undefined;
  }

  /** Records use in one statement for a batch of the tenant's tokens; never moves last_used_at back. */
  async recordLastUsed(tenantId: string, tokenIds: string[], at: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE tenant_tokens SET last_used_at = GREATEST(COALESCE(last_used_at, $3), $3)
        WHERE tenant_id = $1 AND id = ANY($2::uuid[])`,
      [tenantId, tokenIds, at],
    );
  }

  /** The token with this hash and its tenant: what authentication needs, in one indexed query. */
  async findByHashAcrossTenants(tokenHash: string): Promise<TokenWithTenant | undefined> {
    const rows: Array<TokenRow & { token_hash: string; tenant_name: string; tenant_profile: Record<string, unknown>; tenant_created_at: Date }> = await this.dataSource.query(
      `SELECT k.id, k.tenant_id, k.name, k.created_at, k.revoked_at, k.last_used_at, k.token_hash,
                t.name AS tenant_name, t.profile AS tenant_profile, t.created_at AS tenant_created_at
           FROM tenant_tokens k JOIN tenants t ON t.id = k.tenant_id
          WHERE k.token_hash = $1`,
      [tokenHash],
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      token: { ...toRecord(row), tokenHash: row.token_hash },
      tenant: { id: row.tenant_id, name: row.tenant_name, profile: row.tenant_profile, createdAt: row.tenant_created_at },
    };
  }

  /** Which tenant a token id belongs to (the CLI revokes by token id alone). */
  async findTenantIdAcrossTenants(tokenId: string): Promise<string | undefined> {
    const rows: Array<{ tenant_id: string }> = await this.dataSource.query('SELECT tenant_id FROM tenant_tokens WHERE id = $1', [tokenId]);
    return rows[0]?.tenant_id;
  }
}

function toRecord(row: TokenRow): TokenRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
  };
}
