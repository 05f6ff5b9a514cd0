import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { Topics, type TenantEvent, type TenantEventType } from '@app/contracts';
import { appendToOutbox } from '@app/messaging';
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
    return this.dataSource.transaction(async (tx) => {
      const rows: TenantRow[] = await tx.query(`INSERT INTO tenants (name, profile) VALUES ($1, $2::jsonb) ON CONFLICT (name) DO NOTHING RETURNING ${COLUMNS}`, [
        name,
        JSON.stringify(profile),
      ]);
      if (!rows[0]) throw GatewayError.tenantNameTaken(name);
      const record = toRecord(rows[0]);
      await publishTenantEvent(tx, 'scim.tenant.created', record);
      return record;
    });
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
    return this.dataSource.transaction(async (tx) => {
      const [rows]: [TenantRow[], number] = await tx.query(`UPDATE tenants SET profile = $2::jsonb WHERE id = $1 RETURNING ${COLUMNS}`, [tenantId, JSON.stringify(profile)]);
      if (!rows[0]) return undefined;
      const record = toRecord(rows[0]);
      await publishTenantEvent(tx, 'scim.tenant.updated', record);
      return record;
    });
  }
}

/**
 * The registry's change as an event, in the same transaction (transactional outbox): no tenant
 * without its event, no event without its tenant. Keyed by tenant id on a compacted topic.
 * Carries the name, never the profile's secrets or tokens.
 */
async function publishTenantEvent(tx: EntityManager, type: TenantEventType, record: TenantRecord): Promise<void> {
  const event: TenantEvent = {
    specversion: '1.0',
    id: randomUUID(),
    source: 'scim-gateway',
    type,
    subject: record.id,
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    tenantid: record.id,
    data: { tenant: { id: record.id, name: record.name, createdAt: new Date(record.createdAt).toISOString() } },
  };
  await appendToOutbox(tx, Topics.tenantEvents, [{ key: record.id, value: event, messageId: event.id }]);
}

function toRecord(row: TenantRow): TenantRecord {
  return { id: row.id, name: row.name, profile: row.profile, createdAt: row.created_at };
}
