import { randomUUID } from 'node:crypto';
import {
  CommandReply,
  Headers,
  ResourcePage,
  SchemaProfile,
  StoredResource,
  Topics,
  UserCommand,
  UserCommandOf,
  UserCommandType,
  PatchOperationJson,
  UserEvent,
  UserQueryRoutes,
} from '@app/contracts';
import { ENTERPRISE_USER_SCHEMA, GENESYS_USER_SCHEMA, USER_SCHEMA } from '@app/scim';
import { Kafka } from 'kafkajs';
import { Client } from 'pg';
import { dropTestDatabase, testDatabaseUrl } from './databases';
import { createPrefixedTopics, deletePrefixedTopics, produce, testKafka, TopicCollector } from './kafka-helpers';
import { uniqueTopicPrefix } from './names';
import { freePort, ServiceProcess } from './processes';
import { readInfra } from './test-infra';
import { PROCESS_INTERNAL_API_TOKEN } from '../../../deploy/local/stack';

/** The gateway instance the tests play: every command names it in reply-to. */
export const REPLY_TO = 'medium-test-gateway';

export const PROFILE: SchemaProfile = {
  extensions: [ENTERPRISE_USER_SCHEMA, GENESYS_USER_SCHEMA],
  mutabilityOverrides: {},
  unknownAttributes: 'ignore',
};

export interface CommandRecord {
  key: string;
  value: UserCommand;
  headers: Record<string, string>;
}

/** A command as the gateway would produce it: keyed by tenant, with reply-to and message-id. */
export function userCommand<T extends UserCommandType>(tenantId: string, type: T, payload: UserCommandOf<T>['payload']): CommandRecord {
  const commandId = randomUUID();
  // A generic T cannot be paired with its payload by the compiler; callers are checked by the signature.
  const value = { commandId, type, tenantId, issuedAt: new Date().toISOString(), payload } as UserCommand;
  return {
    key: tenantId,
    value,
    headers: { [Headers.replyTo]: REPLY_TO, [Headers.messageId]: commandId, [Headers.correlationId]: `corr-${commandId}`, [Headers.tenantId]: tenantId },
  };
}

export const commands = {
  create: (tenantId: string, resource: Record<string, unknown>, profile: SchemaProfile = PROFILE) =>
    userCommand(tenantId, 'user.create', { profile, resource: { schemas: [USER_SCHEMA], ...resource } }),
  replace: (tenantId: string, id: string, resource: Record<string, unknown>, extra: { ifMatch?: string } = {}, profile: SchemaProfile = PROFILE) =>
    userCommand(tenantId, 'user.replace', { profile, id, resource: { schemas: [USER_SCHEMA], ...resource }, ...extra }),
  patch: (tenantId: string, id: string, operations: PatchOperationJson[], extra: { ifMatch?: string } = {}, profile: SchemaProfile = PROFILE) =>
    userCommand(tenantId, 'user.patch', { profile, id, operations, ...extra }),
  delete: (tenantId: string, id: string, extra: { ifMatch?: string } = {}) => userCommand(tenantId, 'user.delete', { id, ...extra }),
};

/**
 * One isolated user-service under test: its own topic prefix and database, the BUILT service
 * as a process (dist/, rebuilt by globalSetup), collectors on the reply and event topics.
 */
export class UserServiceHarness {
  readonly kafka: Kafka;
  readonly processes: ServiceProcess[] = [];
  private commandsSent = 0;

  private constructor(
    readonly label: string,
    readonly prefix: string,
    readonly databaseUrl: string,
    readonly replies: TopicCollector,
    readonly events: TopicCollector,
    kafka: Kafka,
  ) {
    this.kafka = kafka;
  }

  static async create(label: string): Promise<UserServiceHarness> {
    const infra = readInfra();
    const kafka = testKafka(infra.kafkaBrokers);
    const prefix = uniqueTopicPrefix(label);
    await createPrefixedTopics(kafka, prefix);
    const replies = await new TopicCollector(kafka, prefix + Topics.commandReplies).start();
    const events = await new TopicCollector(kafka, prefix + Topics.userEvents).start();
    return new UserServiceHarness(label, prefix, testDatabaseUrl(infra.postgresUrl, label), replies, events, kafka);
  }

  /** Starts another process of the service (the first one creates and migrates the database). */
  async start(env: Record<string, string> = {}): Promise<ServiceProcess> {
    const infra = readInfra();
    const p = ServiceProcess.built(
      'user-service',
      {
        HTTP_PORT: String(await freePort()),
        KAFKA_BROKERS: infra.kafkaBrokers,
        DATABASE_URL: this.databaseUrl,
        TOPIC_PREFIX: this.prefix,
        LOG_LEVEL: 'info',
        KAFKA_SESSION_TIMEOUT_MS: '6000',
        INTERNAL_API_TOKEN: PROCESS_INTERNAL_API_TOKEN,
        ...env,
      },
      `${this.prefix}user-service-${this.processes.length}`,
    );
    this.processes.push(p);
    await p.waitReady();
    return p;
  }

  get service(): ServiceProcess {
    const running = this.processes.filter((p) => p.running);
    if (running.length === 0) throw new Error('no user-service process running');
    return running[running.length - 1];
  }

  async send(records: CommandRecord[]): Promise<void> {
    await produce(this.kafka, this.prefix + Topics.userCommands, records);
    this.commandsSent += records.length;
  }

  /** Sends the commands (in one produce call, so they tend to share a batch) and waits for their replies, in order. */
  async decide(...records: CommandRecord[]): Promise<CommandReply[]> {
    await this.send(records);
    return this.repliesTo(records);
  }

  async repliesTo(records: CommandRecord[], timeoutMs = 60000): Promise<CommandReply[]> {
    const wanted = new Set(records.map((r) => r.value.commandId));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const byId = this.replyMap();
      if ([...wanted].every((id) => byId.has(id))) return records.map((r) => byId.get(r.value.commandId)!);
      if (Date.now() > deadline) {
        const missing = [...wanted].filter((id) => !byId.has(id)).length;
        throw new Error(`${missing}/${wanted.size} replies missing after ${timeoutMs} ms\n${this.processes.at(-1)?.logTail()}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** First reply per command id. */
  replyMap(): Map<string, CommandReply> {
    const byId = new Map<string, CommandReply>();
    for (const reply of this.replies.json<CommandReply>()) if (!byId.has(reply.commandId)) byId.set(reply.commandId, reply);
    return byId;
  }

  userEvents(): UserEvent[] {
    return this.events.json<UserEvent>();
  }

  async get(tenantId: string, id: string): Promise<{ status: number; body: StoredResource & Record<string, unknown> }> {
    const res = await fetch(this.service.url + UserQueryRoutes.byId.path({ tenantId, id }), { headers: { authorization: `Bearer ${PROCESS_INTERNAL_API_TOKEN}` } });
    return { status: res.status, body: (await res.json()) as StoredResource & Record<string, unknown> };
  }

  async query(
    tenantId: string,
    query: Record<string, unknown>,
    signal?: AbortSignal,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: ResourcePage & Record<string, unknown>; headers: Headers }> {
    const res = await fetch(this.service.url + UserQueryRoutes.query.path({ tenantId }), {
      method: 'POST',
      ...(signal ? { signal } : {}),
      headers: { 'content-type': 'application/json', authorization: `Bearer ${PROCESS_INTERNAL_API_TOKEN}`, ...headers },
      body: JSON.stringify({ profile: PROFILE, startIndex: 1, count: 1000, ...query }),
    });
    return { status: res.status, body: (await res.json()) as ResourcePage & Record<string, unknown>, headers: res.headers };
  }

  async sql<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: this.databaseUrl });
    await client.connect();
    try {
      return (await client.query(text, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.processes.map((p) => p.kill('SIGKILL')));
    await this.replies.stop();
    await this.events.stop();
    await deletePrefixedTopics(this.kafka, this.prefix).catch(() => undefined);
    await dropTestDatabase(this.databaseUrl).catch(() => undefined);
  }
}
