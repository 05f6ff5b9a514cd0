import { Injectable } from '@nestjs/common';
import { GatewayError } from '../errors/gateway-error';
import { ConnectorProfile, connectorProfileToJson, parseConnectorProfile } from './connector-profile';
import { type TenantRecord } from './tenant-records';
import { TenantRepository } from './tenant.repository';
import { TokenCache } from './token-cache';
import { isUuid } from '@app/persistence';

export interface RegisteredTenant {
  id: string;
  name: string;
  profile: ConnectorProfile;
  createdAt: Date;
}

const MAX_NAME_LENGTH = 200;

/** The tenant registry: create tenants, read them, change their connector profile. */
@Injectable()
export class TenantsService {
  constructor(
    private readonly tenants: TenantRepository,
    private readonly tokenCache: TokenCache,
  ) {}

  async create(name: string, profileJson: unknown): Promise<RegisteredTenant> {
    const trimmed = validName(name);
    const profile = parseConnectorProfile(profileJson);
    return toTenant(await this.tenants.insert(trimmed, connectorProfileToJson(profile)));
  }

  async list(): Promise<RegisteredTenant[]> {
    return (await this.tenants.listAll()).map(toTenant);
  }

  async get(tenantId: string): Promise<RegisteredTenant> {
    const record = isUuid(tenantId) ? await this.tenants.findById(tenantId) : undefined;
    if (!record) throw GatewayError.tenantNotFound(tenantId);
    return toTenant(record);
  }

  /** Replaces the whole profile (defaults fill what it leaves out); this instance applies it at once. */
  async replaceProfile(tenantId: string, profileJson: unknown): Promise<RegisteredTenant> {
    const profile = parseConnectorProfile(profileJson);
    const record = isUuid(tenantId) ? await this.tenants.updateProfile(tenantId, connectorProfileToJson(profile)) : undefined;
    if (!record) throw GatewayError.tenantNotFound(tenantId);
    this.tokenCache.invalidateTenant(tenantId);
    return toTenant(record);
  }
}

/**
 * A tenant's own User extension schemas, one at a time (admin API and CLI): each change is a
 * profile change (validated as one, applied at once through this instance, within
 * TOKEN_CACHE_TTL_MS elsewhere).
 */
export class TenantSchemas {
  constructor(private readonly tenants: TenantsService) {}

  async list(tenantId: string): Promise<Array<Record<string, unknown>>> {
    return (await this.tenants.get(tenantId)).profile.customSchemas;
  }

  /** Defines the schema, or replaces the one with its id (URNs compared ignoring case). */
  async define(tenantId: string, schema: unknown): Promise<Record<string, unknown>> {
    const tenant = await this.tenants.get(tenantId);
    const id = typeof schema === 'object' && schema !== null && typeof (schema as { id?: unknown }).id === 'string' ? (schema as { id: string }).id : undefined;
    const others = tenant.profile.customSchemas.filter((s) => String(s.id).toLowerCase() !== id?.toLowerCase());
    const updated = await this.tenants.replaceProfile(tenantId, { ...connectorProfileToJson(tenant.profile), customSchemas: [...others, schema] });
    return updated.profile.customSchemas.find((s) => String(s.id).toLowerCase() === id?.toLowerCase())!;
  }

  /** Values stored under the schema stay in the resources but are no longer served or accepted. */
  async remove(tenantId: string, urn: string): Promise<void> {
    const tenant = await this.tenants.get(tenantId);
    const kept = tenant.profile.customSchemas.filter((s) => String(s.id).toLowerCase() !== urn.toLowerCase());
    if (kept.length === tenant.profile.customSchemas.length) throw GatewayError.invalidInput('schema', [`tenant ${tenantId} defines no schema ${urn}`]);
    await this.tenants.replaceProfile(tenantId, { ...connectorProfileToJson(tenant.profile), customSchemas: kept });
  }
}

export function toTenant(record: TenantRecord): RegisteredTenant {
  return { id: record.id, name: record.name, profile: parseConnectorProfile(record.profile), createdAt: record.createdAt };
}

export function validName(name: unknown, what = 'tenant name'): string {
  const trimmed = typeof name === 'string' ? name.trim() : '';
  if (trimmed.length === 0 || trimmed.length > MAX_NAME_LENGTH) {
    throw GatewayError.invalidInput(what, [`must be a non-empty string of at most ${MAX_NAME_LENGTH} characters`]);
  }
  return trimmed;
}
