import { ServiceDefinition } from '@app/runtime';
import { ProcessedMessage } from '@app/messaging';
import { loadConfig } from '@app/config';
import { AuditLogServiceConfig } from './audit-log-service.config';
import { AuditLogServiceModule } from './audit-log-service.module';
import { CreateProcessedMessages1763840000000 } from './migrations/1763840000000-create-processed-messages';
import { CreateAuditLog1764000000000 } from './migrations/1764000000000-create-audit-log';
import { AddIgnoredAttributes1764010000000 } from './migrations/1764010000000-add-ignored-attributes';
import { AddRequestRollups1764100000000 } from './migrations/1764100000000-add-request-rollups';
import { AddDeadLetters1764200000000 } from './migrations/1764200000000-add-dead-letters';

export const AUDIT_SERVICE_ENTITIES = [ProcessedMessage];
export const AUDIT_SERVICE_MIGRATIONS = [
  CreateProcessedMessages1763840000000,
  CreateAuditLog1764000000000,
  AddIgnoredAttributes1764010000000,
  AddRequestRollups1764100000000,
  AddDeadLetters1764200000000,
];

export function auditLogServiceDefinition(env: NodeJS.ProcessEnv = process.env): ServiceDefinition<AuditLogServiceConfig> {
  const config = loadConfig(AuditLogServiceConfig, env);
  return {
    name: 'audit-log-service',
    config,
    entities: AUDIT_SERVICE_ENTITIES,
    migrations: AUDIT_SERVICE_MIGRATIONS,
    module: () => AuditLogServiceModule.forRoot(),
    // A database outage is waited out (about 100 s per record) rather than dead-lettering the audit trail.
    consumer: { groupId: `${config.TOPIC_PREFIX}audit-log-service`, maxAttempts: 10 },
  };
}
