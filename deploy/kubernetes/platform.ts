import { CONSUMED_TOPICS, deadLetterTopicOf, Topics, TopicName } from '@app/contracts';
import { ConfigurationError, ServiceBaseConfig } from '@app/config';
import { ServiceDefinition } from '@app/runtime';
import { auditLogServiceDefinition } from '../../apps/audit-log-service/src/audit-log-service.definition';
import { groupMembershipServiceDefinition } from '../../apps/group-membership-service/src/group-membership-service.definition';
import { scimGatewayDefinition } from '../../apps/scim-gateway/src/scim-gateway.definition';
import { userServiceDefinition } from '../../apps/user-service/src/user-service.definition';
import { STACK_SERVICES, StackService } from '../local/stack';

/**
 * What the Kubernetes manifests know about each service beyond its code: how many replicas, how
 * much CPU and memory, who may call its HTTP port, and which Kafka topics it reads and writes (its
 * ACLs). Ports, databases, consumer groups, relays and configuration come from the services
 * themselves (config classes, definitions, deploy/local/stack.ts); topics from libs/contracts.
 * manifests.spec.ts checks this table against the code.
 */
export type ServiceName = StackService['name'];

export interface KafkaAccess {
  /** Topics the service consumes (their dead-letter topics are written by the consumer transport). */
  reads: readonly TopicName[];
  writes: readonly TopicName[];
  /** Consumer groups named by a prefix (one group per instance), beside the definition's own group. */
  groupPrefixes?: readonly string[];
  /** Topics whose dead-letter topics the service reads (the audit log collects them for ops to replay). */
  deadLetterReads?: readonly TopicName[];
}

/** What the manifests read from a service's definition (its configuration validated from an environment). */
export type DefinitionFacts = Pick<ServiceDefinition<ServiceBaseConfig>, 'name' | 'config' | 'consumer' | 'relay' | 'poolSize'>;

export interface PlatformService {
  name: ServiceName;
  database: string;
  definition: (env: NodeJS.ProcessEnv) => DefinitionFacts;
  replicas: { min: number; max: number };
  resources: { cpu: string; memory: string; memoryLimit: string };
  /** Services (by name) whose pods call this one's internal API. The gateway is called from outside. */
  calledBy: readonly ServiceName[];
  kafka: KafkaAccess;
  /** Service-specific variables, literal. */
  env: Readonly<Record<string, string>>;
  /** Service-specific secrets: variable → Secret the operator creates (key `token`). */
  secrets: Readonly<Record<string, string>>;
}

/** The gateway's public host (the Ingress): replace it in an overlay of your own (docs/deploy.md). */
export const PUBLIC_HOST = 'scim.example.com';

const stack = (name: ServiceName): StackService => STACK_SERVICES.find((s) => s.name === name)!;

/**
 * Sizes from docs/performance.md (2 cores shared by the whole stack, 20,000-create burst): peak
 * RSS gateway 200–280 MiB, user-service 235, group-membership 326, audit 121–172; CPU per second
 * of burst about 0.3 core each for the gateway and user-service, 0.2 for group-membership, 0.04
 * for the audit log. Requests cover that; the memory limit leaves room for a larger heap under a
 * backlog. No CPU limit: a throttled consumer only lags more.
 */
export const PLATFORM_SERVICES: readonly PlatformService[] = [
  {
    name: 'scim-gateway',
    database: stack('scim-gateway').database,
    definition: scimGatewayDefinition,
    // Per-tenant rate limits and write caps are shared by every instance through the gateway's
    // database (RATE_LIMIT_SCOPE=shared), so the gateway scales like the others.
    replicas: { min: 2, max: 6 },
    resources: { cpu: '500m', memory: '320Mi', memoryLimit: '768Mi' },
    calledBy: [],
    kafka: {
      // With COMMAND_REPLY_TRANSPORT=kafka only: every instance reads every reply in a group of its own,
      // `scim-gateway.replies.<instance id>`. By default decisions are posted to the pod (COMMAND_REPLY_URL).
      reads: [Topics.commandReplies],
      // Tenant events leave through the gateway's outbox relay.
      writes: [Topics.userCommands, Topics.groupCommands, Topics.requestRecords, Topics.tenantEvents],
      groupPrefixes: ['scim-gateway.replies.'],
    },
    env: {
      // The owning services post each decision straight to the pod that waits for it.
      COMMAND_REPLY_URL: 'http://$(POD_IP):3100',
      USER_SERVICE_URL: 'http://user-service:3101',
      GROUP_SERVICE_URL: 'http://group-membership-service:3102',
      // Locations in answers never come from the Host header; the Ingress serves this host and path.
      SCIM_PUBLIC_BASE_URL: `https://${PUBLIC_HOST}/scim/v2`,
    },
    secrets: { ADMIN_TOKEN: 'scim-admin-token', INTERNAL_API_TOKEN: 'scim-internal-api-token' },
  },
  {
    name: 'user-service',
    database: stack('user-service').database,
    definition: userServiceDefinition,
    // At most one consumer per partition of scim.user-commands.v1 (12) does work.
    replicas: { min: 2, max: 6 },
    resources: { cpu: '500m', memory: '320Mi', memoryLimit: '768Mi' },
    calledBy: ['scim-gateway', 'group-membership-service'],
    kafka: { reads: [Topics.userCommands], writes: [Topics.commandReplies, Topics.userEvents, Topics.userState] },
    env: {},
    secrets: { INTERNAL_API_TOKEN: 'scim-internal-api-token' },
  },
  {
    name: 'group-membership-service',
    database: stack('group-membership-service').database,
    definition: groupMembershipServiceDefinition,
    replicas: { min: 2, max: 6 },
    resources: { cpu: '250m', memory: '384Mi', memoryLimit: '1Gi' },
    calledBy: ['scim-gateway'],
    kafka: { reads: [Topics.groupCommands, Topics.userEvents], writes: [Topics.commandReplies, Topics.groupEvents, Topics.groupState] },
    env: { USER_SERVICE_URL: 'http://user-service:3101' },
    secrets: { INTERNAL_API_TOKEN: 'scim-internal-api-token' },
  },
  {
    name: 'audit-log-service',
    database: stack('audit-log-service').database,
    definition: auditLogServiceDefinition,
    replicas: { min: 2, max: 4 },
    resources: { cpu: '100m', memory: '256Mi', memoryLimit: '640Mi' },
    calledBy: [],
    kafka: {
      reads: [Topics.requestRecords, Topics.userEvents, Topics.groupEvents, Topics.tenantEvents],
      // Dead letters: every consumed topic's `.dlt` is collected (group audit-log-service.dead-letters) and replayed to its topic.
      deadLetterReads: CONSUMED_TOPICS as readonly TopicName[],
      writes: CONSUMED_TOPICS as readonly TopicName[],
      groupPrefixes: ['audit-log-service.dead-letters'],
    },
    env: { AUDIT_RETENTION_DAYS: '90' },
    secrets: { AUDIT_OPS_TOKEN: 'scim-audit-ops-token' },
  },
];

/** Literal values every service gets from the `scim-platform` ConfigMap. */
export const COMMON_SETTINGS = {
  HTTP_HOST: '0.0.0.0',
  LOG_LEVEL: 'info',
  TOPIC_PREFIX: '',
  SHUTDOWN_TIMEOUT_MS: '15000',
} as const;

/** Seconds the pod waits after being taken out of its Service before SIGTERM reaches Node. */
export const PRE_STOP_SECONDS = 5;

export const LABEL_PART_OF = 'app.kubernetes.io/part-of';
export const PART_OF = 'scim-platform';
export const IMAGE = 'scim-platform:0.1.0';
export const KAFKA_CLUSTER = 'scim-kafka';
export const POSTGRES_CLUSTER = 'scim-postgres';
/** Namespace whose Prometheus scrapes /metrics (kube-prometheus-stack's default). */
export const MONITORING_NAMESPACE = 'monitoring';

export const kafkaUserOf = (service: ServiceName) => `${service}-kafka`;
export const postgresSecretOf = (service: ServiceName) => `${service}-postgres`;
/** The Postgres role of a service: its database's name (each service owns one database). */
export const postgresRoleOf = (service: PlatformService) => service.database;
export const dlt = deadLetterTopicOf;

const MINIMAL_ENV = { DATABASE_URL: 'postgres://u@h:5432/db' };

/**
 * What a service's definition says whatever its environment (name, consumer group, relay, pool
 * size, defaults): the definition validated from a minimal environment, each variable it still
 * requires given a placeholder, so a newly required variable fails the manifest check that names
 * it rather than the generator.
 */
export function definitionFacts(s: Pick<PlatformService, 'definition'>): DefinitionFacts {
  // Validation may name one refused variable at a time: give placeholders until it passes.
  const env: Record<string, string> = { ...MINIMAL_ENV };
  for (let round = 0; ; round++) {
    try {
      return s.definition(env);
    } catch (err) {
      if (!(err instanceof ConfigurationError) || round >= 10) throw err;
      for (const p of err.problems) env[p.split(':')[0]] = 'placeholder'.padEnd(48, 'x');
    }
  }
}
