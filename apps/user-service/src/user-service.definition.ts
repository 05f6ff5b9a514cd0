import { ServiceDefinition } from '@app/runtime';
import { OutboxRecord, ProcessedMessage } from '@app/messaging';
import { loadConfig } from '@app/observability';
import { CreateMessagingTables1763840000000 } from './migrations/1763840000000-create-messaging-tables';
import { OutboxHeadersNoDefault1763845000000 } from './migrations/1763845000000-outbox-headers-no-default';
import { UserServiceConfig } from './user-service.config';
import { UserServiceModule } from './user-service.module';

export const USER_SERVICE_ENTITIES = [OutboxRecord, ProcessedMessage];
export const USER_SERVICE_MIGRATIONS = [CreateMessagingTables1763840000000, OutboxHeadersNoDefault1763845000000];

export function userServiceDefinition(env: NodeJS.ProcessEnv = process.env): ServiceDefinition<UserServiceConfig> {
  const config = loadConfig(UserServiceConfig, env);
  return {
    name: 'user-service',
    config,
    entities: USER_SERVICE_ENTITIES,
    migrations: USER_SERVICE_MIGRATIONS,
    module: () => UserServiceModule,
    consumer: { groupId: `${config.TOPIC_PREFIX}user-service`, partitionsConsumedConcurrently: config.PARTITIONS_CONSUMED_CONCURRENTLY },
    relay: {},
  };
}
