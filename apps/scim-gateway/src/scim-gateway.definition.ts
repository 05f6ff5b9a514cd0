import { ServiceDefinition } from '@app/runtime';
import { loadConfig } from '@app/config';
import { CreateTenantRegistry1763840000000 } from './migrations/1763840000000-create-tenant-registry';
import { TenantNameUnique1763845000000 } from './migrations/1763845000000-tenant-name-unique';
import { CreateOAuthClients1764100000000 } from './migrations/1764100000000-create-oauth-clients';
import { CreateOutbox1764200000000 } from './migrations/1764200000000-create-outbox';
import { CreateSharedTenantLimits1764300000000 } from './migrations/1764300000000-create-shared-tenant-limits';
import { OutboxRecord, ProcessedMessage } from '@app/messaging';
import { OAuthClient } from './oauth/oauth-client.entity';
import { OAuthSigningKey } from './oauth/signing-key.entity';
import { canonicalScimUrl } from './edge/canonical-url';
import { ScimGatewayConfig } from './scim-gateway.config';
import { ScimGatewayModule } from './scim-gateway.module';
import { TenantToken } from './tenants/tenant-token.entity';
import { Tenant } from './tenants/tenant.entity';

export const GATEWAY_ENTITIES = [Tenant, TenantToken, OAuthClient, OAuthSigningKey, OutboxRecord, ProcessedMessage];
export const GATEWAY_MIGRATIONS = [
  CreateTenantRegistry1763840000000,
  TenantNameUnique1763845000000,
  CreateOAuthClients1764100000000,
  CreateOutbox1764200000000,
  CreateSharedTenantLimits1764300000000,
];

export function scimGatewayDefinition(env: NodeJS.ProcessEnv = process.env): ServiceDefinition<ScimGatewayConfig> {
  const config = loadConfig(ScimGatewayConfig, env);
  return {
    name: 'scim-gateway',
    config,
    entities: GATEWAY_ENTITIES,
    migrations: GATEWAY_MIGRATIONS,
    module: (deps) => ScimGatewayModule.forRoot(deps.config),
    bodyLimitBytes: config.SCIM_BODY_LIMIT_BYTES,
    // Endpoint names ignoring case, trailing slash tolerated (as Microsoft's reference routes).
    rewriteUrl: (url) => canonicalScimUrl(url, config.SCIM_BASE_PATH),
    // No tenantOf: tenant ids are not label values of the gateway's metrics (docs/security.md).
    // Tenant events (scim.tenant-events.v1) leave through the outbox.
    relay: {},
  };
}
