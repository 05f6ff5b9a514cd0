import { DynamicModule, Module } from '@nestjs/common';
import { gatewayEdgeImports } from './http/gateway-edge.imports';
import { ScimGatewayConfig } from './scim-gateway.config';
import { AdminGroupsModule } from './admin/admin-groups.module';
import { ScimGroupsModule } from './groups/groups.module';
import { ScimUsersModule } from './users/users.module';
import { RequestAuditModule } from './audit/request-audit.module';

/**
 * The HTTP edge: tenant registry, SCIM edge (auth, limits, errors, body parsing), discovery,
 * admin API, and the SCIM resources routed to their owning services.
 */
@Module({})
export class ScimGatewayModule {
  static forRoot(config: ScimGatewayConfig): DynamicModule {
    const users = ScimUsersModule.forRoot({
      basePath: config.SCIM_BASE_PATH,
      userServiceUrl: config.USER_SERVICE_URL,
      decisionTimeoutMs: config.DECISION_TIMEOUT_MS,
      retryAfterSeconds: Math.max(1, Math.ceil(config.DECISION_TIMEOUT_MS / 1000)),
      defaultPageSize: Math.min(config.SCIM_DEFAULT_PAGE_SIZE, config.SCIM_MAX_PAGE_SIZE),
      maxPageSize: config.SCIM_MAX_PAGE_SIZE,
      ...(config.USER_GROUPS_ATTRIBUTE === 'true' ? { groupServiceUrl: config.GROUP_SERVICE_URL } : {}),
    });
    // Shares the Users module's CommandBus (one reply consumer per gateway instance).
    const groups = ScimGroupsModule.forRoot(
      {
        basePath: config.SCIM_BASE_PATH,
        groupServiceUrl: config.GROUP_SERVICE_URL,
        decisionTimeoutMs: config.DECISION_TIMEOUT_MS,
        retryAfterSeconds: Math.max(1, Math.ceil(config.DECISION_TIMEOUT_MS / 1000)),
        defaultPageSize: Math.min(config.SCIM_DEFAULT_PAGE_SIZE, config.SCIM_MAX_PAGE_SIZE),
        maxPageSize: config.SCIM_MAX_PAGE_SIZE,
      },
      users,
    );
    return {
      module: ScimGatewayModule,
      imports: [
        ...gatewayEdgeImports(config, { resourceTypes: ['User', 'Group'] }),
        users,
        groups,
        AdminGroupsModule.forRoot({ adminToken: config.ADMIN_TOKEN }, groups),
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
