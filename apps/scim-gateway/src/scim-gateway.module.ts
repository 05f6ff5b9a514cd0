import { DynamicModule, Module } from '@nestjs/common';
import { gatewayEdgeImports } from './wiring/gateway-edge.imports';
import { ScimGatewayConfig } from './scim-gateway.config';
import { AdminGroupsModule } from './admin/admin-groups.module';
import { ScimResourcesModule } from './resources/scim-resources.module';
import { RequestAuditModule } from './audit/request-audit.module';
import { CommandRepliesModule } from '@app/commands';
import type { BulkLimits } from './bulk/bulk-request';

/**
 * The HTTP edge: tenant registry, SCIM edge (auth, limits, errors, body parsing), discovery,
 * admin API, and the SCIM resources routed to their owning services.
 */
@Module({})
export class ScimGatewayModule {
  static forRoot(config: ScimGatewayConfig): DynamicModule {
    const resources = ScimResourcesModule.forRoot({
      basePath: config.SCIM_BASE_PATH,
      userServiceUrl: config.USER_SERVICE_URL,
      groupServiceUrl: config.GROUP_SERVICE_URL,
      userGroupsAttribute: config.USER_GROUPS_ATTRIBUTE === 'true',
      decisionTimeoutMs: config.DECISION_TIMEOUT_MS,
      retryAfterSeconds: Math.max(1, Math.ceil(config.DECISION_TIMEOUT_MS / 1000)),
      defaultPageSize: Math.min(config.SCIM_DEFAULT_PAGE_SIZE, config.SCIM_MAX_PAGE_SIZE),
      maxPageSize: config.SCIM_MAX_PAGE_SIZE,
      bulk: bulkLimitsOf(config),
      internalApiToken: config.INTERNAL_API_TOKEN,
      replyBaseUrl: config.COMMAND_REPLY_TRANSPORT === 'http' ? (config.COMMAND_REPLY_URL ?? `http://127.0.0.1:${config.HTTP_PORT}`) : undefined,
    });
    return {
      module: ScimGatewayModule,
      imports: [
        ...gatewayEdgeImports(config, { resourceTypes: ['User', 'Group'], bulk: bulkLimitsOf(config) }),
        resources,
        CommandRepliesModule.forRoot(resources),
        AdminGroupsModule.forRoot({ adminToken: config.ADMIN_TOKEN }, resources),
        RequestAuditModule.forRoot({
          enabled: config.AUDIT_REQUEST_RECORDS === 'on',
          basePath: config.SCIM_BASE_PATH,
          limits: { bodyLimitBytes: config.AUDIT_BODY_LIMIT_BYTES, maxResourceIds: 1_000 },
          batchSize: 500,
          maxBatchBytes: 512 * 1024,
          flushIntervalMs: config.AUDIT_FLUSH_INTERVAL_MS,
          bufferLimit: config.AUDIT_BUFFER_LIMIT,
        }),
      ],
    };
  }
}

/** A bulk payload can never be larger than any body the gateway reads. */
export function bulkLimitsOf(config: ScimGatewayConfig): BulkLimits {
  return { maxOperations: config.SCIM_BULK_MAX_OPERATIONS, maxPayloadSize: Math.min(config.SCIM_BULK_MAX_PAYLOAD_BYTES, config.SCIM_BODY_LIMIT_BYTES) };
}
