import { COMMAND_REPLY_JSON_SCHEMA, CommandReply } from './commands';
import { GROUP_COMMAND_JSON_SCHEMA, GroupCommand } from './group-commands';
import { USER_COMMAND_JSON_SCHEMA, UserCommand } from './user-commands';
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

/** The topics that carry commands to their owning service. */
export type CommandTopic = typeof Topics.userCommands | typeof Topics.groupCommands;

/**
 * What a producer writes of a command for topic T: a command type and the payload that type
 * takes (the gateway's command bus adds the command id, tenant and time). A union over the
 * topic's commands, so a payload that does not belong to its type does not compile.
 */
export type CommandOf<T extends CommandTopic> = CommandBodies[T];

/** Each command of a union without its envelope (distributes over the union, so type and payload stay paired). */
type CommandBody<C extends { type: string; payload: object }> = C extends unknown ? { type: C['type']; payload: C['payload'] } : never;

interface CommandBodies {
  [Topics.userCommands]: CommandBody<UserCommand>;
  [Topics.groupCommands]: CommandBody<GroupCommand>;
}

/** JSON Schema that consumers validate each record of a topic against before handling it. */
export const TOPIC_JSON_SCHEMAS: Record<PayloadTopic, object> = {
  [Topics.userCommands]: USER_COMMAND_JSON_SCHEMA,
  [Topics.groupCommands]: GROUP_COMMAND_JSON_SCHEMA,
  [Topics.commandReplies]: COMMAND_REPLY_JSON_SCHEMA,
  [Topics.userEvents]: USER_EVENT_JSON_SCHEMA,
  [Topics.groupEvents]: GROUP_EVENT_JSON_SCHEMA,
  [Topics.requestRecords]: REQUEST_RECORD_JSON_SCHEMA,
  [Topics.tenantEvents]: TENANT_EVENT_JSON_SCHEMA,
};
