import { ServiceDefinition } from '@app/runtime';
import { OutboxRecord, ProcessedMessage } from '@app/messaging';
import { loadConfig } from '@app/config';
import { CreateMessagingTables1763840000000 } from './migrations/1763840000000-create-messaging-tables';
import { OutboxHeadersNoDefault1763845000000 } from './migrations/1763845000000-outbox-headers-no-default';
import { CreateUsers1763900000000 } from './migrations/1763900000000-create-users';
import { CommandReplyRecord } from './persistence/command-reply.entity';
import { UserEntity } from './persistence/user.entity';
import { UserServiceConfig } from './user-service.config';
import { UserServiceModule } from './user-service.module';

export const USER_SERVICE_ENTITIES = [OutboxRecord, ProcessedMessage, UserEntity, CommandReplyRecord];
export const USER_SERVICE_MIGRATIONS = [CreateMessagingTables1763840000000, OutboxHeadersNoDefault1763845000000, CreateUsers1763900000000];

export function userServiceDefinition(env: NodeJS.ProcessEnv = process.env): ServiceDefinition<UserServiceConfig> {
  const config = loadConfig(UserServiceConfig, env);
  return {
    name: 'user-service',
    config,
    entities: USER_SERVICE_ENTITIES,
    migrations: USER_SERVICE_MIGRATIONS,
    module: () => UserServiceModule,
    consumer: { groupId: `${config.TOPIC_PREFIX}user-service`, partitionsConsumedConcurrently: config.PARTITIONS_CONSUMED_CONCURRENTLY },
    // Larger relay batches keep event publishing up with batched command decisions.
    relay: { batchSize: 1000 },
  };
}
