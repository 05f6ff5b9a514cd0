import { ServiceBaseConfig } from '@app/observability';

export class AuditLogServiceConfig extends ServiceBaseConfig {
  override HTTP_PORT = 3103;
}
