import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } from 'kafkajs';
import type { AclEntry } from 'kafkajs';
import { Topics } from '@app/contracts';
import { definitionFacts, dlt, kafkaUserOf, PlatformService } from './platform';

/**
 * The Kafka ACLs of each service's principal, in one place: Strimzi KafkaUsers carry them on
 * Kubernetes (strimzi.ts), and the topic provisioning job creates them with an admin credential
 * on any other cluster (docker-compose, external Kafka: deploy/local/provision-topics.ts).
 */
export type AclOperation = 'Read' | 'Write' | 'Create' | 'Delete' | 'Alter' | 'Describe' | 'DescribeConfigs' | 'IdempotentWrite' | 'All';
export interface AclRule {
  resource: { type: 'topic' | 'group' | 'transactionalId'; name: string; patternType: 'literal' | 'prefix' } | { type: 'cluster' };
  operations: AclOperation[];
  host: '*';
}

const literal = (type: 'topic' | 'group' | 'transactionalId', name: string, operations: AclOperation[]): AclRule => ({
  resource: { type, name, patternType: 'literal' },
  operations,
  host: '*',
});

/**
 * What a service may do on the cluster, from its definition and its declared topics:
 * - read its topics (Read, Describe) in its consumer group, and write their dead-letter topics;
 * - write its topics (idempotent producers: Write, Describe, and IdempotentWrite for brokers before 3.0);
 * - its outbox relay: the transactional id and checkpoint group `outbox-relay.<service>` and the
 *   checkpoint anchor topic (a Kafka transaction commits the group's offset there);
 * - per-instance groups under a prefix (the gateway's reply consumers).
 */
export function aclsOf(s: PlatformService): AclRule[] {
  const definition = definitionFacts(s);
  const acls: AclRule[] = [];
  for (const topic of s.kafka.reads) acls.push(literal('topic', topic, ['Read', 'Describe']));
  const groupId = definition.consumer?.groupId;
  if (groupId) {
    acls.push(literal('group', groupId, ['Read', 'Describe']));
    for (const topic of s.kafka.reads) acls.push(literal('topic', dlt(topic), ['Write', 'Describe']));
  }
  for (const prefix of s.kafka.groupPrefixes ?? []) acls.push({ resource: { type: 'group', name: prefix, patternType: 'prefix' }, operations: ['Read', 'Describe'], host: '*' });
  for (const topic of s.kafka.writes) acls.push(literal('topic', topic, ['Write', 'Describe']));
  for (const topic of s.kafka.deadLetterReads ?? []) acls.push(literal('topic', dlt(topic), ['Read', 'Describe']));
  if (definition.relay) {
    const relayId = `outbox-relay.${definition.name}`;
    acls.push(literal('transactionalId', relayId, ['Write', 'Describe']));
    acls.push(literal('group', relayId, ['Read', 'Describe']));
    acls.push(literal('topic', Topics.outboxCheckpoints, ['Read', 'Write', 'Describe']));
  }
  acls.push({ resource: { type: 'cluster' }, operations: ['IdempotentWrite'], host: '*' });
  return acls;
}

const RESOURCE_TYPES = {
  topic: AclResourceTypes.TOPIC,
  group: AclResourceTypes.GROUP,
  transactionalId: AclResourceTypes.TRANSACTIONAL_ID,
  cluster: AclResourceTypes.CLUSTER,
} as const;

const OPERATIONS: Record<AclOperation, AclOperationTypes> = {
  Read: AclOperationTypes.READ,
  Write: AclOperationTypes.WRITE,
  Create: AclOperationTypes.CREATE,
  Delete: AclOperationTypes.DELETE,
  Alter: AclOperationTypes.ALTER,
  Describe: AclOperationTypes.DESCRIBE,
  DescribeConfigs: AclOperationTypes.DESCRIBE_CONFIGS,
  IdempotentWrite: AclOperationTypes.IDEMPOTENT_WRITE,
  All: AclOperationTypes.ALL,
};

/** The same rules as kafkajs createAcls entries for `User:<principal>`, names prefixed with TOPIC_PREFIX. */
export function kafkajsAclEntries(principal: string, rules: readonly AclRule[], prefix = ''): AclEntry[] {
  return rules.flatMap((rule) =>
    rule.operations.map((operation) => ({
      resourceType: RESOURCE_TYPES[rule.resource.type],
      resourceName: rule.resource.type === 'cluster' ? 'kafka-cluster' : prefix + rule.resource.name,
      resourcePatternType: rule.resource.type !== 'cluster' && rule.resource.patternType === 'prefix' ? ResourcePatternTypes.PREFIXED : ResourcePatternTypes.LITERAL,
      principal: `User:${principal}`,
      host: rule.host,
      operation: OPERATIONS[operation],
      permissionType: AclPermissionTypes.ALLOW,
    })),
  );
}

/** Every service's ACLs as kafkajs entries for its principal `<service>-kafka`. */
export const platformAclEntries = (services: readonly PlatformService[], prefix = ''): AclEntry[] =>
  services.flatMap((s) => kafkajsAclEntries(kafkaUserOf(s.name), aclsOf(s), prefix));
