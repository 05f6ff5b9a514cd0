import { stringify } from 'yaml';
import { CONSUMED_TOPICS, GROUP_EVENT_JSON_SCHEMA, TOPIC_SPECS, Topics, USER_EVENT_JSON_SCHEMA } from '@app/contracts';

/**
 * The AsyncAPI 3.0 document of the topics downstream systems subscribe to, built from the
 * contracts lib. `docs/asyncapi.yaml` is its committed rendering; a test keeps the two equal
 * (run `npm run asyncapi` after changing a contract).
 */
export function asyncApiDocument(): Record<string, unknown> {
  const spec = (name: string) => TOPIC_SPECS.find((s) => s.name === name)!;
  const userEvents = spec(Topics.userEvents);
  const groupEvents = spec(Topics.groupEvents);
  const headers = {
    type: 'object',
    properties: {
      'message-id': { type: 'string', description: 'The CloudEvents id.' },
      'correlation-id': { type: 'string', description: 'Correlation id of the SCIM request that caused the change.' },
      'content-type': { type: 'string' },
    },
  };
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'SCIM provisioning platform events',
      version: '1.0.0',
      description:
        'Domain events published through transactional outboxes as CloudEvents 1.0 in structured mode ' +
        '(record value = the whole event, header content-type: application/cloudevents+json). Read with ' +
        'isolation level read_committed; each event id (also in the message-id header) is unique.',
    },
    defaultContentType: 'application/cloudevents+json',
    channels: {
      userEvents: {
        address: userEvents.name,
        description: `${userEvents.description} Partitions: ${userEvents.partitions}; retention: ${userEvents.retentionMs / 86_400_000} days.`,
        messages: { userEvent: { $ref: '#/components/messages/userEvent' } },
        bindings: { kafka: { partitions: userEvents.partitions, topicConfiguration: { 'cleanup.policy': [userEvents.cleanupPolicy], 'retention.ms': userEvents.retentionMs } } },
      },
      groupEvents: {
        address: groupEvents.name,
        description: `${groupEvents.description} Partitions: ${groupEvents.partitions}; retention: ${groupEvents.retentionMs / 86_400_000} days.`,
        messages: { groupEvent: { $ref: '#/components/messages/groupEvent' } },
        bindings: { kafka: { partitions: groupEvents.partitions, topicConfiguration: { 'cleanup.policy': [groupEvents.cleanupPolicy], 'retention.ms': groupEvents.retentionMs } } },
      },
    },
    operations: {
      receiveUserEvents: { action: 'receive', channel: { $ref: '#/channels/userEvents' }, summary: 'Users created, updated, deactivated, reactivated or deleted by Entra ID provisioning.' },
      receiveGroupEvents: {
        action: 'receive',
        channel: { $ref: '#/channels/groupEvents' },
        summary: 'Groups created, updated or deleted, and members added or removed (one event per group and command, or per user deletion).',
      },
    },
    components: {
      messages: {
        userEvent: {
          name: 'scim.user.*',
          contentType: 'application/cloudevents+json',
          headers,
          bindings: { kafka: { key: { type: 'string', description: '<tenant id>/<user id>: one user’s events stay in order on one partition.' } } },
          payload: USER_EVENT_JSON_SCHEMA,
        },
        groupEvent: {
          name: 'scim.group.* | scim.membership.*',
          contentType: 'application/cloudevents+json',
          headers,
          bindings: { kafka: { key: { type: 'string', description: '<tenant id>/<group id>: one group’s events stay in order on one partition.' } } },
          payload: GROUP_EVENT_JSON_SCHEMA,
        },
      },
    },
    'x-dead-letter-topics': CONSUMED_TOPICS.map((t) => `${t}.dlt`),
  };
}

export function renderAsyncApi(): string {
  return `# Generated from libs/contracts by deploy/local/asyncapi.ts (npm run asyncapi). Do not edit.\n${stringify(asyncApiDocument(), { lineWidth: 0 })}`;
}

if (require.main === module) {
  process.stdout.write(renderAsyncApi());
}
