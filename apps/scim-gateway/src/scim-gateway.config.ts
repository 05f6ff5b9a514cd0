import { ServiceBaseConfig } from '@app/observability';

export class ScimGatewayConfig extends ServiceBaseConfig {
  override HTTP_PORT = 3100;
}
