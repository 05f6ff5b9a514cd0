import { COMMAND_JSON_SCHEMA, COMMAND_REPLY_JSON_SCHEMA, CommandReply, GroupCommand, UserCommand } from './commands';
import { GROUP_EVENT_JSON_SCHEMA, USER_EVENT_JSON_SCHEMA } from './event-schemas';
import { GroupEvent, UserEvent } from './events';
import { REQUEST_RECORD_JSON_SCHEMA, RequestRecord } from './request-record';
import { TENANT_EVENT_JSON_SCHEMA, TenantEvent } from './tenant-events';
import { Topics } from './topics';

/**
 * The payload type of each topic. The typed producer takes `TopicPayload<T>` for topic T, so a
 * group event cannot be put on the user topic. Outbox checkpoints carry no records.
 */
export interface TopicPayloads {
  [Topics.userCommands]: UserCommand;
  [Topics.groupCommands]: GroupCommand;
  [Topics.commandReplies]: CommandReply;
  [Topics.userEvents]: UserEvent;
  [Topics.groupEvents]: GroupEvent;
  [Topics.requestRecords]: RequestRecord;
  [Topics.tenantEvents]: TenantEvent;
}

export type PayloadTopic = keyof TopicPayloads;
export type TopicPayload<T extends PayloadTopic> = TopicPayloads[T];

/** JSON Schema that consumers validate each record of a topic against before handling it. */
export const TOPIC_JSON_SCHEMAS: Record<PayloadTopic, object> = {
  [Topics.userCommands]: COMMAND_JSON_SCHEMA,
  [Topics.groupCommands]: COMMAND_JSON_SCHEMA,
  [Topics.commandReplies]: COMMAND_REPLY_JSON_SCHEMA,
  [Topics.userEvents]: USER_EVENT_JSON_SCHEMA,
  [Topics.groupEvents]: GROUP_EVENT_JSON_SCHEMA,
  [Topics.requestRecords]: REQUEST_RECORD_JSON_SCHEMA,
  [Topics.tenantEvents]: TENANT_EVENT_JSON_SCHEMA,
};
