/**
 * Every Kafka topic of the platform, declared once: name (with its version), partitions,
 * retention and cleanup policy. deploy/local creates them from here, tests create prefixed
 * copies, and the typed producer maps each topic to its payload type (see topic-payloads.ts).
 * A new version of a topic is added beside the old one, never edited in place.
 */
export interface TopicSpec {
  name: string;
  partitions: number;
  /** -1 keeps messages forever. */
  retentionMs: number;
  cleanupPolicy: 'delete' | 'compact';
  description: string;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const Topics = {
  userCommands: 'scim.user-commands.v1',
  groupCommands: 'scim.group-commands.v1',
  commandReplies: 'scim.command-replies.v1',
  userEvents: 'scim.user-events.v1',
  groupEvents: 'scim.group-events.v1',
  requestRecords: 'scim.request-records.v1',
  tenantEvents: 'scim.tenant-events.v1',
  userState: 'scim.user-state.v1',
  groupState: 'scim.group-state.v1',
  outboxCheckpoints: 'scim.outbox-checkpoints.v1',
} as const;

export type TopicName = (typeof Topics)[keyof typeof Topics];

/** Suffix of the dead-letter topic that a consumer of topic T writes to: `${T}.dlt`. */
export const DEAD_LETTER_SUFFIX = '.dlt';

export function deadLetterTopicOf(topic: string): string {
  return `${topic}${DEAD_LETTER_SUFFIX}`;
}

export const TOPIC_SPECS: readonly TopicSpec[] = [
  {
    name: Topics.userCommands,
    partitions: 12,
    retentionMs: 7 * DAY,
    cleanupPolicy: 'delete',
    description: 'Commands from the gateway to the user-service, keyed by tenant id so one tenant applies in order.',
  },
  {
    name: Topics.groupCommands,
    partitions: 12,
    retentionMs: 7 * DAY,
    cleanupPolicy: 'delete',
    description: 'Commands from the gateway to the group-membership-service, keyed by tenant id.',
  },
  {
    name: Topics.commandReplies,
    partitions: 6,
    retentionMs: 1 * HOUR,
    cleanupPolicy: 'delete',
    description: 'Decisions sent back to the waiting gateway instance, keyed by gateway instance id.',
  },
  {
    name: Topics.userEvents,
    partitions: 12,
    retentionMs: 30 * DAY,
    cleanupPolicy: 'delete',
    description: 'CloudEvents scim.user.* from the user-service outbox, keyed by tenant and user id.',
  },
  {
    name: Topics.groupEvents,
    partitions: 12,
    retentionMs: 30 * DAY,
    cleanupPolicy: 'delete',
    description: 'CloudEvents scim.group.* and scim.membership.* from the group-membership-service outbox.',
  },
  {
    name: Topics.requestRecords,
    partitions: 6,
    retentionMs: 7 * DAY,
    cleanupPolicy: 'delete',
    description: 'One record per SCIM request, for the audit log.',
  },
  {
    name: Topics.tenantEvents,
    partitions: 3,
    retentionMs: -1,
    cleanupPolicy: 'compact',
    description: 'CloudEvents scim.tenant.* from the gateway outbox, keyed by tenant id; compacted, so the latest event of every tenant stays.',
  },
  {
    name: Topics.userState,
    partitions: 12,
    retentionMs: -1,
    cleanupPolicy: 'compact',
    description:
      'Current state of every user, keyed by tenant and user id (a tombstone once deleted): written by the user-service outbox relay in the same Kafka transaction as each event, so a new subscriber bootstraps from it and then follows scim.user-events.v1 (docs/consumers.md).',
  },
  {
    name: Topics.groupState,
    partitions: 12,
    retentionMs: -1,
    cleanupPolicy: 'compact',
    description:
      'Current state of every group (key tenant/group id) and of each of its memberships (key tenant/group id/member id), tombstoned when deleted or removed: written by the group-membership-service outbox relay in the same Kafka transaction as each event (docs/consumers.md).',
  },
  {
    name: Topics.outboxCheckpoints,
    partitions: 1,
    retentionMs: -1,
    cleanupPolicy: 'compact',
    description: 'Anchor partition for the outbox relays’ transactional checkpoints (group offsets only; no records).',
  },
];

/** Topics that consumers read and so have a dead-letter topic beside them. */
export const CONSUMED_TOPICS: readonly string[] = [Topics.userCommands, Topics.groupCommands, Topics.userEvents, Topics.groupEvents, Topics.requestRecords, Topics.tenantEvents];

/** The full list to create: every topic plus a dead-letter topic for each consumed one. */
export function allTopicSpecs(prefix = ''): TopicSpec[] {
  const specs: TopicSpec[] = [...TOPIC_SPECS];
  for (const name of CONSUMED_TOPICS) {
    specs.push({
      name: deadLetterTopicOf(name),
      partitions: 3,
      retentionMs: 30 * DAY,
      cleanupPolicy: 'delete',
      description: `Messages from ${name} that failed after bounded retries, with the error in headers.`,
    });
  }
  return specs.map((s) => ({ ...s, name: prefix + s.name }));
}
