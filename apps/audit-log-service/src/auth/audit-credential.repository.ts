import type { DataSource } from 'typeorm';

export interface StoredCredential {
  id: string;
  tenantId: string;
  label: string | null;
  createdAt: string;
  revokedAt: string | null;
}

/** Most credentials one list answers. */
const MAX_LISTED = 1000;

/** The tenant credentials table: hashes only, never a secret. */
export class AuditCredentialRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The tenant of the live credential with this hash, if any. */
  async liveTenantOf(secretHash: string): Promise<string | undefined> {
    const rows: Array<{ tenant_id: string }> = await this.dataSource.query('SELECT tenant_id FROM audit_credentials WHERE secret_hash = $1 AND revoked_at IS NULL', [secretHash]);
    return rows[0]?.tenant_id;
  }

  /** Returns the creation time. */
  async insert(id: string, tenantId: string, label: string | null, secretHash: string): Promise<string> {
    const [row]: Array<{ created_at: Date }> = await this.dataSource.query(
      'INSERT INTO audit_credentials (id, tenant_id, label, secret_hash) VALUES ($1, $2, $3, $4) RETURNING created_at',
      [id, tenantId, label, secretHash],
    );
    return new Date(row.created_at).toISOString();
  }

  async list(tenantId?: string): Promise<StoredCredential[]> {
    const rows: Array<{ id: string; tenant_id: string; label: string | null; created_at: Date; revoked_at: Date | null }> = await this.dataSource.query(
      `SELECT id, tenant_id, label, created_at, revoked_at FROM audit_credentials ${tenantId ? 'WHERE tenant_id = $2' : ''} ORDER BY created_at DESC LIMIT $1`,
      tenantId ? [MAX_LISTED, tenantId] : [MAX_LISTED],
    );
    return rows.map((r) => ({
      id: r.id,
      tenantId: r.tenant_id,
      label: r.label,
      createdAt: new Date(r.created_at).toISOString(),
      revokedAt: r.revoked_at ? new Date(r.revoked_at).toISOString() : null,
    }));
  }

  /** Revokes a live credential; returns the hash it had, or undefined when none was live. */
  async revoke(id: string): Promise<string | undefined> {
    // TypeORM answers an UPDATE … RETURNING with [rows, affected count].
    const [rows]: [Array<{ secret_hash: string }>, number] = await this.dataSource.query(
      'UPDATE audit_credentials SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING secret_hash',
      [id],
    );
    return rows[0]?.secret_hash;
  }
}
