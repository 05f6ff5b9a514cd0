import { stringify } from 'yaml';
import {
  CLOUDEVENTS_CONTENT_TYPE,
  CLOUDEVENTS_HEADER_PREFIX,
  CONSUMED_TOPICS,
  GROUP_EVENT_JSON_SCHEMA,
  STATE_RECORD_JSON_SCHEMA,
  TOPIC_SPECS,
  Topics,
  USER_EVENT_JSON_SCHEMA,
} from '@app/contracts';

/**
 * The AsyncAPI 3.1 document of the topics downstream systems subscribe to, built from the
 * contracts lib. An event topic carries its events in either CloudEvents content mode of the
 * Kafka protocol binding (the owning services' CLOUDEVENTS_MODE): one message per mode. `docs/asyncapi.yaml` is its committed rendering; a test keeps the two equal
 * (run `npm run asyncapi` after changing a contract).
 */
export function asyncApiDocument(): Record<string, unknown> {
  const spec = (name: string) => TOPIC_SPECS.find((s) => s.name === name)!;
  const userEvents = spec(Topics.userEvents);
  const groupEvents = spec(Topics.groupEvents);
  const stateChannel = (name: string, message: string) => {
    const s = spec(name);
    return {
      address: s.name,
      description: `${s.description} Partitions: ${s.partitions}; compacted.`,
      messages: { [message]: { $ref: `#/components/messages/${message}` } },
      bindings: { kafka: { partitions: s.partitions, topicConfiguration: { 'cleanup.policy': [s.cleanupPolicy], 'retention.ms': s.retentionMs } } },
    };
  };
  const sequenceHeader = {
    'outbox-sequence': {
      type: 'string',
      description: 'The outbox id of the event (per owning service, growing in commit order); the same on the event and on the state records derived from it (docs/consumers.md).',
    },
  };
  const commonHeaders = {
    'message-id': { type: 'string', description: 'The CloudEvents id.' },
    'correlation-id': { type: 'string', description: 'Correlation id of the SCIM request that caused the change.' },
    traceparent: { type: 'string', description: 'W3C trace context of the command the event follows (docs/observability.md).' },
    ...sequenceHeader,
  };
  const headers = {
    type: 'object',
    properties: { ...commonHeaders, 'content-type': { const: CLOUDEVENTS_CONTENT_TYPE } },
  };
  /** Binary mode (Kafka protocol binding §3.1): every attribute but data a `ce_<name>` header, the data the value. */
  const binary = (event: typeof USER_EVENT_JSON_SCHEMA | typeof GROUP_EVENT_JSON_SCHEMA) => {
    const attributes = event.required.filter((a) => a !== 'data' && a !== 'datacontenttype');
    return {
      contentType: 'application/json',
      headers: {
        type: 'object',
        required: [...attributes.map((a) => `${CLOUDEVENTS_HEADER_PREFIX}${a}`), 'content-type'],
        properties: {
          ...Object.fromEntries(attributes.map((a) => [`${CLOUDEVENTS_HEADER_PREFIX}${a}`, { ...event.properties[a], description: `The CloudEvents attribute ${a}.` }])),
          'content-type': { const: 'application/json', description: 'The datacontenttype.' },
          ...commonHeaders,
        },
      },
      payload: event.properties.data,
    };
  };
  return {
    asyncapi: '3.1.0',
    info: {
      title: 'SCIM provisioning platform events',
      version: '1.0.0',
      description:
        'Domain events published through transactional outboxes as CloudEvents 1.0, in either content mode of ' +
        'the Kafka protocol binding, as the owning services are configured (CLOUDEVENTS_MODE): structured, the ' +
        'default (record value = the whole event, header content-type: application/cloudevents+json), or binary ' +
        '(every attribute but data a ce_<name> header, record value = the data, header content-type: ' +
        'application/json). Any CloudEvents SDK reads both. Read with isolation level read_committed; each ' +
        'event id (also in the message-id header) is unique.',
    },
    defaultContentType: 'application/cloudevents+json',
    channels: {
      userEvents: {
        address: userEvents.name,
        description: `${userEvents.description} Partitions: ${userEvents.partitions}; retention: ${userEvents.retentionMs / 86_400_000} days.`,
        messages: { userEvent: { $ref: '#/components/messages/userEvent' }, userEventBinary: { $ref: '#/components/messages/userEventBinary' } },
        bindings: { kafka: { partitions: userEvents.partitions, topicConfiguration: { 'cleanup.policy': [userEvents.cleanupPolicy], 'retention.ms': userEvents.retentionMs } } },
      },
      groupEvents: {
        address: groupEvents.name,
        description: `${groupEvents.description} Partitions: ${groupEvents.partitions}; retention: ${groupEvents.retentionMs / 86_400_000} days.`,
        messages: { groupEvent: { $ref: '#/components/messages/groupEvent' }, groupEventBinary: { $ref: '#/components/messages/groupEventBinary' } },
        bindings: { kafka: { partitions: groupEvents.partitions, topicConfiguration: { 'cleanup.policy': [groupEvents.cleanupPolicy], 'retention.ms': groupEvents.retentionMs } } },
      },
      userState: stateChannel(Topics.userState, 'userState'),
      groupState: stateChannel(Topics.groupState, 'groupState'),
    },
    operations: {
      receiveUserEvents: {
        action: 'receive',
        channel: { $ref: '#/channels/userEvents' },
        summary: 'Users created, updated, deactivated, reactivated or deleted by Entra ID provisioning.',
      },
      receiveGroupEvents: {
        action: 'receive',
        channel: { $ref: '#/channels/groupEvents' },
        summary: 'Groups created, updated or deleted, and members added or removed (one event per group and command, or per user deletion).',
      },
      receiveUserState: { action: 'receive', channel: { $ref: '#/channels/userState' }, summary: 'Bootstrap: the current state of every user (docs/consumers.md).' },
      receiveGroupState: {
        action: 'receive',
        channel: { $ref: '#/channels/groupState' },
        summary: 'Bootstrap: the current state of every group and membership (docs/consumers.md).',
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
        userEventBinary: {
          name: 'scim.user.* (binary mode)',
          ...binary(USER_EVENT_JSON_SCHEMA),
          bindings: { kafka: { key: { type: 'string', description: '<tenant id>/<user id>, as in structured mode.' } } },
        },
        groupEvent: {
          name: 'scim.group.* | scim.membership.*',
          contentType: 'application/cloudevents+json',
          headers,
          bindings: { kafka: { key: { type: 'string', description: '<tenant id>/<group id>: one group’s events stay in order on one partition.' } } },
          payload: GROUP_EVENT_JSON_SCHEMA,
        },
        groupEventBinary: {
          name: 'scim.group.* | scim.membership.* (binary mode)',
          ...binary(GROUP_EVENT_JSON_SCHEMA),
          bindings: { kafka: { key: { type: 'string', description: '<tenant id>/<group id>, as in structured mode.' } } },
        },
        userState: {
          name: 'user state',
          contentType: 'application/json',
          headers: { type: 'object', properties: sequenceHeader },
          bindings: { kafka: { key: { type: 'string', description: '<tenant id>/<user id>, as the user’s events; a null value (tombstone) once deleted.' } } },
          payload: STATE_RECORD_JSON_SCHEMA,
        },
        groupState: {
          name: 'group and membership state',
          contentType: 'application/json',
          headers: { type: 'object', properties: sequenceHeader },
          bindings: {
            kafka: {
              key: {
                type: 'string',
                description: '<tenant id>/<group id> for a group, <tenant id>/<group id>/<member id> for a membership; a null value (tombstone) once deleted or removed.',
              },
            },
          },
          payload: STATE_RECORD_JSON_SCHEMA,
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
