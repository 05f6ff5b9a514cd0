import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { GatewayError } from '../errors/gateway-error';
import type { TenantRecord } from './tenant-records';

interface TenantRow {
  id: string;
  name: string;
  profile: Record<string, unknown>;
  created_at: Date;
}

const COLUMNS = 'id, name, profile, created_at';

/**
 * SQL over `tenants`. The registry is the one table whose rows ARE tenants, so listing all of
 * them is legitimate here (admin API and CLI only); every other method takes the tenant id.
 */
@Injectable()
export class TenantRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Throws GatewayError(tenantNameTaken) when the name is in use: the unique index decides races. */
  async insert(name: string, profile: Record<string, unknown>): Promise<TenantRecord> {
    const rows: TenantRow[] = await this.dataSource.query(
      `INSERT INTO tenants (name, profile) VALUES ($1, $2::jsonb) ON CONFLICT (name) DO NOTHING RETURNING ${COLUMNS}`,
      [name, JSON.stringify(profile)],
    );
    if (!rows[0]) throw GatewayError.tenantNameTaken(name);
    return toRecord(rows[0]);
  }

  async listAll(): Promise<TenantRecord[]> {
    const rows: TenantRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM tenants ORDER BY created_at, id`);
    return rows.map(toRecord);
  }

  async findById(tenantId: string): Promise<TenantRecord | undefined> {
    const rows: TenantRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM tenants WHERE id = $1`, [tenantId]);
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  async updateProfile(tenantId: string, profile: Record<string, unknown>): Promise<TenantRecord | undefined> {
    const [rows]: [TenantRow[], number] = await this.dataSource.query(
      `UPDATE tenants SET profile = $2::jsonb WHERE id = $1 RETURNING ${COLUMNS}`,
      [tenantId, JSON.stringify(profile)],
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }
}

function toRecord(row: TenantRow): TenantRecord {
  return { id: row.id, name: row.name, profile: row.profile, createdAt: row.created_at };
}
