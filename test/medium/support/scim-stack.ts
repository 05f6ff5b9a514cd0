import { randomBytes } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { Topics } from '@app/contracts';
import { AdminClient, ProvisionedTenant } from '../../../deploy/local/admin-client';
import { serviceEnvironment, STACK_SERVICES, StackService } from '../../../deploy/local/stack';
import { dropTestDatabase } from './databases';
import { createPrefixedTopics, deletePrefixedTopics, testKafka, TopicCollector } from './kafka-helpers';
import { uniqueId, uniqueTopicPrefix } from './names';
import { freePort, ServiceProcess } from './processes';
import { readInfra, type TestInfra } from './test-infra';

/**
 * The gateway and the user-service (and, with `{ groups: true }`, the group-membership-service)
 * as built processes on the real broker and Postgres, with a
 * topic prefix and databases of their own: what Entra talks to, for end-to-end tests.
 */
export class ScimStack {
  readonly infra: TestInfra;
  readonly kafka: Kafka;
  readonly prefix = uniqueTopicPrefix('scim');
  readonly databasePrefix = `${uniqueId('t').toLowerCase()}_`;
  readonly adminToken = randomBytes(32).toString('base64url');
  readonly processes = new Map<string, ServiceProcess>();
  userEvents!: TopicCollector;
  /** Set when started with `{ groups: true }`. */
  groupEvents?: TopicCollector;
  gatewayUrl = '';
  /** Every gateway instance's URL (one unless started with `instances`); gatewayUrl is the first. */
  gatewayUrls: string[] = [];
  admin!: AdminClient;
  /** Set when started with `{ audit: true }`: the audit-log-service and its ops credential. */
  auditUrl = '';
  readonly auditOpsToken = randomBytes(32).toString('base64url');
  private commonEnv: Record<string, string> = {};

  /** `kafkaBrokers`: a broker of the test's own (one it kills) instead of the shared one. */
  constructor(overrides: { kafkaBrokers?: string } = {}) {
    this.infra = { ...readInfra(), ...overrides };
    this.kafka = testKafka(this.infra.kafkaBrokers);
  }

  /**
   * `groups: true` also starts the group-membership-service (for /Groups and User.groups);
   * `audit: true` the audit-log-service (the gateway then sends request records); `env` is given
   * to every service.
   */
  async start(
    extraGatewayEnv: Record<string, string> = {},
    options: { groups?: boolean; audit?: boolean; auditEnv?: Record<string, string>; instances?: number; env?: Record<string, string> } = {},
  ): Promise<this> {
    this.commonEnv = options.env ?? {};
    await createPrefixedTopics(this.kafka, this.prefix);
    this.userEvents = await new TopicCollector(this.kafka, this.prefix + Topics.userEvents).start();
    if (options.groups) this.groupEvents = await new TopicCollector(this.kafka, this.prefix + Topics.groupEvents).start();
    if (options.audit) {
      const auditPort = await freePort();
      await this.startService('audit-log-service', auditPort, { KAFKA_SESSION_TIMEOUT_MS: '6000', AUDIT_OPS_TOKEN: this.auditOpsToken, ...options.auditEnv });
      this.auditUrl = `http://127.0.0.1:${auditPort}`;
    }
    // With `instances`, N of each: instance i of a service asks instance i of the services it reads from.
    // Each port is found just before its service binds it: found together, freePort() may give
    // two services the same one (it only knows which ports are bound now).
    for (let i = 0; i < (options.instances ?? 1); i++) {
      const userPort = await freePort();
      await this.startService('user-service', userPort, { KAFKA_SESSION_TIMEOUT_MS: '6000' });
      const groupPort = options.groups ? await freePort() : undefined;
      if (groupPort !== undefined) {
        await this.startService('group-membership-service', groupPort, { KAFKA_SESSION_TIMEOUT_MS: '6000', USER_SERVICE_URL: `http://127.0.0.1:${userPort}` });
      }
      const gatewayPort = await freePort();
      await this.startService('scim-gateway', gatewayPort, {
        ADMIN_TOKEN: this.adminToken,
        USER_SERVICE_URL: `http://127.0.0.1:${userPort}`,
        // Without the group service, User.groups is not looked up (Users-only stacks behave as before).
        ...(groupPort !== undefined ? { GROUP_SERVICE_URL: `http://127.0.0.1:${groupPort}` } : { USER_GROUPS_ATTRIBUTE: 'false' }),
        ...extraGatewayEnv,
      });
      this.gatewayUrls.push(`http://127.0.0.1:${gatewayPort}`);
    }
    this.gatewayUrl = this.gatewayUrls[0]!;
    this.admin = new AdminClient(this.gatewayUrl, this.adminToken);
    return this;
  }

  async startService(name: StackService['name'], port: number, extraEnv: Record<string, string> = {}): Promise<ServiceProcess> {
    const service = STACK_SERVICES.find((s) => s.name === name)!;
    const env = serviceEnvironment(service, {
      postgresUrl: this.infra.postgresUrl,
      kafkaBrokers: this.infra.kafkaBrokers,
      topicPrefix: this.prefix,
      databasePrefix: this.databasePrefix,
      portOverride: port,
      extraEnv: { ...this.commonEnv, ...extraEnv },
    });
    const p = ServiceProcess.built(name, env, `${this.prefix}${name}-${this.processes.size}`);
    // A second running process of a service (another gateway instance) is kept under a name of its
    // own; a restarted one takes the name of the one that died, so `processes.get(name)` is the live one.
    this.processes.set(this.processes.get(name)?.running ? `${name}-${this.processes.size}` : name, p);
    await p.waitReady();
    return p;
  }

  /** The database URL a service of this stack uses (to look at its tables directly). */
  databaseUrlOf(name: StackService['name']): string {
    const service = STACK_SERVICES.find((s) => s.name === name)!;
    return serviceEnvironment(service, { postgresUrl: this.infra.postgresUrl, kafkaBrokers: '', databasePrefix: this.databasePrefix }).DATABASE_URL;
  }

  async tenant(profile: Record<string, unknown> = {}): Promise<ScimClient> {
    const t = await this.admin.createTenant(uniqueId('tenant'), profile);
    return new ScimClient(t);
  }

  /** The same tenant's client through each gateway instance, in the order of gatewayUrls. */
  throughEachGateway(client: ScimClient): ScimClient[] {
    return this.gatewayUrls.map((url) => new ScimClient({ ...client.tenant, scimUrl: client.tenant.scimUrl.replace(this.gatewayUrl, url) }));
  }

  async stop(): Promise<void> {
    await Promise.all([...this.processes.values()].map((p) => p.kill('SIGKILL')));
    await this.userEvents?.stop();
    await this.groupEvents?.stop();
    await deletePrefixedTopics(this.kafka, this.prefix).catch(() => undefined);
    for (const s of STACK_SERVICES) {
      const env = serviceEnvironment(s, { postgresUrl: this.infra.postgresUrl, kafkaBrokers: '', databasePrefix: this.databasePrefix });
      await dropTestDatabase(env.DATABASE_URL).catch(() => undefined);
    }
  }
}

export interface ScimResponse<T = Record<string, any>> {
  status: number;
  headers: Headers;
  body: T;
}

/** Speaks to the gateway as Entra ID does: bearer token, application/scim+json. */
export class ScimClient {
  constructor(readonly tenant: ProvisionedTenant) {}

  get id(): string {
    return this.tenant.tenantId;
  }

  async request<T = Record<string, any>>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ScimResponse<T>> {
    const res = await fetch(this.tenant.scimUrl + path, {
      method,
      headers: {
        authorization: `Bearer ${this.tenant.token}`,
        ...(body !== undefined ? { 'content-type': 'application/scim+json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as T };
  }

  get<T = Record<string, any>>(path: string, headers?: Record<string, string>) {
    return this.request<T>('GET', path, undefined, headers);
  }
  post<T = Record<string, any>>(path: string, body: unknown) {
    return this.request<T>('POST', path, body);
  }
  put<T = Record<string, any>>(path: string, body: unknown, headers?: Record<string, string>) {
    return this.request<T>('PUT', path, body, headers);
  }
  patch<T = Record<string, any>>(path: string, body: unknown, headers?: Record<string, string>) {
    return this.request<T>('PATCH', path, body, headers);
  }
  delete(path: string, headers?: Record<string, string>) {
    return this.request('DELETE', path, undefined, headers);
  }
}

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const GENESYS = 'urn:ietf:params:scim:schemas:extension:genesys:purecloud:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTRA_GROUP_SCHEMA = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

export function patchOp(...operations: Array<Record<string, unknown>>) {
  return { schemas: [PATCH_OP], Operations: operations };
}

/** Microsoft's tutorial create body (Entra's "Create User" request), with a unique userName. */
export function entraUser(suffix = uniqueId('u')): Record<string, unknown> {
  return {
    schemas: [USER_SCHEMA, ENTERPRISE],
    externalId: `ext-${suffix}`,
    userName: `Test_User_${suffix}@testuser.com`,
    active: true,
    emails: [{ primary: true, type: 'work', value: `Test_User_${suffix}@testuser.com` }],
    meta: { resourceType: 'User' },
    name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
    roles: [],
  };
}
