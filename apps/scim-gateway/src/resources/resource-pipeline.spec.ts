import { CommandReply, ResourcePage, StoredResource } from '@app/contracts';
import { RecordValidator } from '@app/messaging';
import { JsonLogger, runWithCorrelation, type CorrelationContext } from '@app/observability';
import { ScimError } from '@app/scim';
import { DecisionTimeoutError } from '@app/commands';
import { GatewayError } from '../errors/gateway-error';
import { groupResourceType } from '../groups/group-resource-type';
import { parseConnectorProfile } from '../tenants/connector-profile';
import { userResourceType } from '../users/user-resource-type';
import { ResourcePipeline, type CommandDispatcher } from './resource-pipeline';
import type { CommandTopic, ResourceTenant } from './resource-type';

/**
 * One pipeline serves /Users and /Groups: every behaviour below is checked for both resource
 * types, and what differs (unknown attributes, update-only groups) is checked by name.
 */
const BASE = 'https://scim.example.com/scim/v2';
const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

function tenant(profile: Record<string, unknown> = {}, unknownAttributes: 'ignore' | 'strict' = 'ignore'): ResourceTenant {
  return { id: 'tenant-a', profile: parseConnectorProfile(profile), schemaProfile: { extensions: [], mutabilityOverrides: {}, unknownAttributes } };
}

const validator = new RecordValidator();

interface Sent {
  topic: string;
  command: { type: string; tenantId: string; payload: unknown };
}

function setUp(kind: 'User' | 'Group', answer: (sent: Sent) => CommandReply | Error, stored: StoredResource | null = null) {
  const sent: Sent[] = [];
  const bus: CommandDispatcher = {
    dispatch: async (topic, tenantId, command) => {
      const s: Sent = { topic, command: { type: command.type, payload: command.payload, tenantId } };
      // What the bus would put on the topic passes the schema its consumer checks.
      validator.parse(topic, Buffer.from(JSON.stringify({ ...s.command, commandId: 'c-1', issuedAt: new Date().toISOString() })));
      sent.push(s);
      const reply = answer(s);
      if (reply instanceof Error) throw reply;
      return reply;
    },
  };
  const page: ResourcePage = { totalResults: stored ? 1 : 0, resources: stored ? [stored] : [] };
  const reader = { byId: async () => stored, query: async () => page };
  const options = { decisionTimeoutMs: 1000, retryAfterSeconds: 2, defaultPageSize: 50, maxPageSize: 100 };
  const logger = new JsonLogger('test', 'fatal').child(kind);
  const pipeline: ResourcePipeline<CommandTopic> =
    kind === 'User' ? new ResourcePipeline(userResourceType(reader, null), bus, options, logger) : new ResourcePipeline(groupResourceType(reader), bus, options, logger);
  return { pipeline, sent };
}

const bodyOf = (kind: 'User' | 'Group', extra: Record<string, unknown> = {}) =>
  kind === 'User' ? { schemas: [USER_SCHEMA], userName: 'ada@example.com', ...extra } : { schemas: [GROUP_SCHEMA], displayName: 'Staff', ...extra };

const within = <T>(fn: () => Promise<T>) => {
  const context: CorrelationContext = { correlationId: 'c1' };
  return runWithCorrelation(context, fn).then((result) => ({ result, context }));
};

describe.each(['User', 'Group'] as const)('ResourcePipeline for %s', (kind) => {
  const endpoint = `${kind}s`;

  it('answers a created resource with its meta.location and its version as the ETag', async () => {
    const { pipeline, sent } = setUp(kind, (s) => ({
      commandId: 'x',
      tenantId: 'tenant-a',
      status: 201,
      body: { ...(s.command.payload as { resource: object }).resource, id: 'r1' },
      version: 'W/"1"',
    }));
    const answer = await pipeline.create(tenant(), bodyOf(kind), BASE);
    expect(sent[0].command).toMatchObject({ type: `${kind.toLowerCase()}.create`, tenantId: 'tenant-a' });
    expect(answer).toMatchObject({ status: 201, etag: 'W/"1"', body: { id: 'r1', meta: { location: `${BASE}/${endpoint}/r1` } } });
  });

  it('answers 204 without a body but with the ETag of the new version', async () => {
    const { pipeline } = setUp(kind, () => ({ commandId: 'x', tenantId: 'tenant-a', status: 204, version: 'W/"7"' }));
    const answer = await pipeline.patch(
      tenant(),
      'r1',
      { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'externalId', value: 'e' }] },
      undefined,
      BASE,
    );
    expect(answer).toEqual({ status: 204, etag: 'W/"7"' });
  });

  it('notes the attributes the owner ignored in the request record', async () => {
    const { pipeline } = setUp(kind, () => ({ commandId: 'x', tenantId: 'tenant-a', status: 204, ignoredAttributes: ['shoeSize'] }));
    const { context } = await within(() => pipeline.delete(tenant(), 'r1', undefined));
    expect(context.ignoredAttributes).toEqual(['shoeSize']);
  });

  it('turns a refusal into the SCIM error the owner gave', async () => {
    const { pipeline } = setUp(kind, () => ({ commandId: 'x', tenantId: 'tenant-a', status: 409, body: { scimType: 'uniqueness', detail: 'taken' } }));
    await expect(pipeline.create(tenant(), bodyOf(kind), BASE)).rejects.toMatchObject({ status: 409, scimType: 'uniqueness', detail: 'taken' });
  });

  it('turns a late decision into 503 with Retry-After', async () => {
    const { pipeline } = setUp(kind, () => new DecisionTimeoutError('c', 1000));
    const error = await pipeline.delete(tenant(), 'r1', 'W/"1"').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ code: 'DECISION_PENDING', retryAfterSeconds: 2 });
  });

  it('answers 404 naming the resource type when the owner has no such resource', async () => {
    const { pipeline } = setUp(kind, () => new Error('no write expected'));
    await expect(pipeline.get(tenant(), 'missing', {}, BASE)).rejects.toMatchObject({ status: 404, detail: `${kind} missing not found` });
  });

  it('locates and projects what it reads, in a list response', async () => {
    const stored = { resource: { ...bodyOf(kind), id: 'r1', meta: { resourceType: kind } }, version: 'W/"3"' };
    const { pipeline } = setUp(kind, () => new Error('no write expected'), stored);
    const list = await pipeline.list(tenant(), {}, BASE);
    expect(list).toMatchObject({ totalResults: 1, Resources: [{ id: 'r1', meta: { location: `${BASE}/${endpoint}/r1` } }] });
    const projected = await pipeline.list(tenant(), { attributes: 'id' }, BASE);
    expect(projected.Resources[0]).toMatchObject({ id: 'r1' });
    expect(projected.Resources[0]).not.toHaveProperty('meta');
    const one = await pipeline.get(tenant(), 'r1', {}, BASE);
    expect(one).toMatchObject({ status: 200, etag: 'W/"3"', body: { id: 'r1', meta: { location: `${BASE}/${endpoint}/r1` } } });
  });

  it('refuses unknown attributes when the policy is strict', async () => {
    const { pipeline, sent } = setUp(kind, () => new Error('no write expected'));
    await expect(pipeline.create(tenant({}, 'strict'), bodyOf(kind, { shoeSize: 44 }), BASE)).rejects.toBeInstanceOf(ScimError);
    expect(sent).toHaveLength(0);
  });
});

describe('what differs by resource type', () => {
  it('Users ignore unknown attributes under an `ignore` profile, and note them', async () => {
    const { pipeline, sent } = setUp('User', () => ({ commandId: 'x', tenantId: 'tenant-a', status: 201, body: { id: 'u1' }, version: 'W/"1"' }));
    const { context } = await within(() => pipeline.create(tenant({}, 'ignore'), bodyOf('User', { shoeSize: 44 }), BASE));
    expect(context.ignoredAttributes).toEqual(['shoeSize']);
    expect(JSON.stringify(sent[0].command.payload)).not.toContain('shoeSize');
  });

  it('Groups have no tenant schema profile: unknown attributes are always refused', async () => {
    const { pipeline } = setUp('Group', () => new Error('no write expected'));
    await expect(pipeline.create(tenant({}, 'ignore'), bodyOf('Group', { shoeSize: 44 }), BASE)).rejects.toMatchObject({ status: 400, scimType: 'invalidSyntax' });
  });

  it("Groups of an update-only tenant are neither created nor deleted; members' $ref are absolute", async () => {
    const { pipeline } = setUp('Group', () => ({ commandId: 'x', tenantId: 'tenant-a', status: 200, body: { id: 'g1', members: [{ value: 'u1' }] }, version: 'W/"2"' }));
    const genesys = tenant({ groups: { mode: 'update-only' } });
    await expect(pipeline.create(genesys, bodyOf('Group'), BASE)).rejects.toMatchObject({ status: 403 });
    await expect(pipeline.delete(genesys, 'g1', undefined)).rejects.toMatchObject({ status: 403 });
    const answer = await pipeline.replace(genesys, 'g1', bodyOf('Group'), undefined, BASE);
    expect(answer.body).toMatchObject({ members: [{ value: 'u1', $ref: `${BASE}/Users/u1`, type: 'User' }] });
  });
});
