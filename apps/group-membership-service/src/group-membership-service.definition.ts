import { ServiceDefinition } from '@app/runtime';
import { OutboxRecord, ProcessedMessage } from '@app/messaging';
import { loadConfig } from '@app/config';
import { CreateMessagingTables1763840000000 } from './migrations/1763840000000-create-messaging-tables';
import { OutboxHeadersNoDefault1763845000000 } from './migrations/1763845000000-outbox-headers-no-default';
import { CreateGroups1763900000000 } from './migrations/1763900000000-create-groups';
import { GroupMembershipServiceConfig } from './group-membership-service.config';
import { GroupMembershipServiceModule } from './group-membership-service.module';

export const GROUP_SERVICE_ENTITIES = [OutboxRecord, ProcessedMessage];
export const GROUP_SERVICE_MIGRATIONS = [CreateMessagingTables1763840000000, OutboxHeadersNoDefault1763845000000, CreateGroups1763900000000];

export function groupMembershipServiceDefinition(env: NodeJS.ProcessEnv = process.env): ServiceDefinition<GroupMembershipServiceConfig> {
  const config = loadConfig(GroupMembershipServiceConfig, env);
  return {
    name: 'group-membership-service',
    config,
    entities: GROUP_SERVICE_ENTITIES,
    migrations: GROUP_SERVICE_MIGRATIONS,
    module: () => GroupMembershipServiceModule,
    consumer: { groupId: `${config.TOPIC_PREFIX}group-membership-service`, partitionsConsumedConcurrently: config.PARTITIONS_CONSUMED_CONCURRENTLY },
    relay: { batchSize: 1000 },
  };
}
