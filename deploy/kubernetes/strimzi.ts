import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IIoK8sApiNetworkingV1NetworkPolicyPeer as NetworkPolicyPeer } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPeer';
import { allTopicSpecs, CONSUMED_TOPICS, deadLetterTopicOf, TopicSpec } from '@app/contracts';
import { AclRule, aclsOf } from './kafka-acls';
import { KAFKA_CLUSTER, kafkaUserOf, LABEL_PART_OF, PART_OF, PLATFORM_SERVICES, PlatformService } from './platform';
import { CONFIG_MAPS, KAFKA_CA_DIR } from './workloads';

/**
 * Kafka through the Strimzi operator (kafka.strimzi.io/v1beta2): a KRaft cluster, a KafkaTopic
 * for every topic of libs/contracts (generated, never written twice), and a KafkaUser per service
 * with SCRAM-SHA-512 credentials and only the ACLs its code needs. Strimzi publishes its CRD
 * schemas only in its release files, so strimzi-schema.ts holds a strict schema of the fields
 * used here (written from Strimzi's API reference) that the manifest test validates against.
 */
interface ObjectMeta {
  name: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface KafkaListener {
  name: string;
  port: number;
  type: 'internal' | 'cluster-ip' | 'route' | 'loadbalancer' | 'nodeport' | 'ingress';
  tls: boolean;
  authentication?: { type: 'scram-sha-512' | 'tls' };
  networkPolicyPeers?: NetworkPolicyPeer[];
}

export interface StrimziKafka {
  apiVersion: 'kafka.strimzi.io/v1beta2';
  kind: 'Kafka';
  metadata: ObjectMeta;
  spec: {
    kafka: { listeners: KafkaListener[]; authorization: { type: 'simple'; superUsers?: string[] }; config: Record<string, string | number | boolean> };
    entityOperator: { topicOperator: Record<string, never>; userOperator: Record<string, never> };
  };
}

export interface StrimziKafkaNodePool {
  apiVersion: 'kafka.strimzi.io/v1beta2';
  kind: 'KafkaNodePool';
  metadata: ObjectMeta;
  spec: {
    replicas: number;
    roles: Array<'controller' | 'broker'>;
    storage: { type: 'jbod'; volumes: Array<{ id: number; type: 'persistent-claim'; size: string; deleteClaim: boolean; kraftMetadata?: 'shared' }> };
    resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  };
}

export interface StrimziKafkaTopic {
  apiVersion: 'kafka.strimzi.io/v1beta2';
  kind: 'KafkaTopic';
  metadata: ObjectMeta;
  spec: { topicName: string; partitions: number; replicas: number; config: Record<string, string | number> };
}

export interface StrimziKafkaUser {
  apiVersion: 'kafka.strimzi.io/v1beta2';
  kind: 'KafkaUser';
  metadata: ObjectMeta;
  spec: { authentication: { type: 'scram-sha-512' }; authorization: { type: 'simple'; acls: AclRule[] } };
}

export type StrimziObject = StrimziKafka | StrimziKafkaNodePool | StrimziKafkaTopic | StrimziKafkaUser;

const REPLICAS = 3;
const clusterLabel = { 'strimzi.io/cluster': KAFKA_CLUSTER };
export const KAFKA_TLS_PORT = 9093;

export function kafkaCluster(): StrimziKafka {
  return {
    apiVersion: 'kafka.strimzi.io/v1beta2',
    kind: 'Kafka',
    metadata: { name: KAFKA_CLUSTER, annotations: { 'strimzi.io/node-pools': 'enabled', 'strimzi.io/kraft': 'enabled' } },
    spec: {
      kafka: {
        listeners: [
          {
            // SCRAM over TLS, reachable only from the platform's pods (Strimzi writes the NetworkPolicy).
            name: 'tls',
            port: KAFKA_TLS_PORT,
            type: 'internal',
            tls: true,
            authentication: { type: 'scram-sha-512' },
            networkPolicyPeers: [{ podSelector: { matchLabels: { [LABEL_PART_OF]: PART_OF } } }],
          },
        ],
        authorization: { type: 'simple' },
        config: {
          // Topics come only from KafkaTopic resources (libs/contracts), never from a stray producer.
          'auto.create.topics.enable': false,
          'default.replication.factor': REPLICAS,
          'min.insync.replicas': 2,
          'offsets.topic.replication.factor': REPLICAS,
          'transaction.state.log.replication.factor': REPLICAS,
          'transaction.state.log.min.isr': 2,
        },
      },
      entityOperator: { topicOperator: {}, userOperator: {} },
    },
  };
}

export function kafkaNodePool(): StrimziKafkaNodePool {
  return {
    apiVersion: 'kafka.strimzi.io/v1beta2',
    kind: 'KafkaNodePool',
    metadata: { name: `${KAFKA_CLUSTER}-dual`, labels: clusterLabel },
    spec: {
      replicas: REPLICAS,
      roles: ['controller', 'broker'],
      storage: { type: 'jbod', volumes: [{ id: 0, type: 'persistent-claim', size: '100Gi', deleteClaim: false, kraftMetadata: 'shared' }] },
      resources: { requests: { cpu: '1', memory: '4Gi' }, limits: { memory: '4Gi' } },
    },
  };
}

/** A KubernetesTopic's name: the topic's own name is a valid one (lower case, digits, '.', '-'). */
export const kafkaTopicResourceName = (topic: string) => topic;

export function kafkaTopic(spec: TopicSpec): StrimziKafkaTopic {
  return {
    apiVersion: 'kafka.strimzi.io/v1beta2',
    kind: 'KafkaTopic',
    metadata: { name: kafkaTopicResourceName(spec.name), labels: { ...clusterLabel, [LABEL_PART_OF]: PART_OF } },
    spec: {
      topicName: spec.name,
      partitions: spec.partitions,
      replicas: REPLICAS,
      config: { 'retention.ms': spec.retentionMs, 'cleanup.policy': spec.cleanupPolicy, 'min.insync.replicas': 2 },
    },
  };
}

export const kafkaTopics = (): StrimziKafkaTopic[] => allTopicSpecs().map(kafkaTopic);

export function kafkaUser(s: PlatformService): StrimziKafkaUser {
  return {
    apiVersion: 'kafka.strimzi.io/v1beta2',
    kind: 'KafkaUser',
    metadata: { name: kafkaUserOf(s.name), labels: { ...clusterLabel, [LABEL_PART_OF]: PART_OF } },
    spec: { authentication: { type: 'scram-sha-512' }, authorization: { type: 'simple', acls: aclsOf(s) } },
  };
}

export const kafkaUsers = (): StrimziKafkaUser[] => PLATFORM_SERVICES.map(kafkaUser);

/** How the services reach the Strimzi cluster: its bootstrap Service, SCRAM over TLS with the cluster CA. */
export function strimziConnectionConfigMap(): IConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: CONFIG_MAPS.kafka, labels: { [LABEL_PART_OF]: PART_OF } },
    data: {
      KAFKA_BROKERS: `${KAFKA_CLUSTER}-kafka-bootstrap:${KAFKA_TLS_PORT}`,
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: `${KAFKA_CA_DIR}/ca.crt`,
    },
  };
}

/** Every consumed topic has its dead-letter topic among the KafkaTopics (allTopicSpecs adds them). */
export const deadLetterTopics = () => CONSUMED_TOPICS.map(deadLetterTopicOf);
