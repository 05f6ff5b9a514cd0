/**
 * The decisions of the user-service, command by command and batch by batch, against an
 * in-memory store: SCIM semantics (RFC 7644 §3.3, §3.5.1, §3.5.2, §3.6), replies, events.
 */
import type { CommandReply, PatchOperationJson, SchemaProfile, UserCommand, UserCommandOf, UserCommandType } from '@app/contracts';
import { JsonLogger } from '@app/observability';
import { ENTERPRISE_USER_SCHEMA, USER_SCHEMA, UserSchemaContexts } from '@app/scim';
import { ReceivedCommand, UserCommandsService } from './user-commands.service';
import { UserDecider } from './user-decider';
import { UserNameTaken } from './user-command-store';
import { FakeReplySender, FakeUserCommandStore } from './testing/fake-user-command-store';

const PROFILE: SchemaProfile = { extensions: [ENTERPRISE_USER_SCHEMA], mutabilityOverrides: {}, unknownAttributes: 'ignore' };
const STRICT: SchemaProfile = { ...PROFILE, unknownAttributes: 'strict' };
const CREATE_ONLY_EMPLOYEE_NUMBER: SchemaProfile = { ...PROFILE, mutabilityOverrides: { [`${ENTERPRISE_USER_SCHEMA}:employeeNumber`]: 'immutable' } };

let store: FakeUserCommandStore;
let sender: FakeReplySender;
let logLines: Array<Record<string, unknown>>;
let service: UserCommandsService;
let batchNo: number;
let commandNo: number;

beforeEach(() => {
  store = new FakeUserCommandStore();
  sender = new FakeReplySender();
  logLines = [];
  batchNo = 0;
  commandNo = 0;
  let idNo = 0;
  const logger = new JsonLogger('user-service', 'debug', (line) => logLines.push(JSON.parse(line)));
  service = new UserCommandsService(store, sender, new UserDecider(new UserSchemaContexts()), logger, () => {
    batchNo += 1;
    return {
      now: `2026-11-22T10:00:0${batchNo}.000Z`,
      newId: () => `00000000-0000-4000-8000-${String(++idNo).padStart(12, '0')}`,
    };
  });
});

function command<T extends UserCommandType>(tenantId: string, type: T, payload: UserCommandOf<T>['payload']): ReceivedCommand {
  commandNo += 1;
  // A generic T cannot be paired with its payload by the compiler; callers are checked by the signature.
  const body = { commandId: `c${commandNo}`, type, tenantId, issuedAt: '2026-11-22T10:00:00Z', payload } as UserCommand;
  return {
    command: body,
    replyTo: 'gateway-1',
    correlationId: `corr-${commandNo}`,
  };
}

const create = (tenantId: string, resource: Record<string, unknown>, profile = PROFILE) =>
  command(tenantId, 'user.create', { profile, resource: { schemas: [USER_SCHEMA], ...resource } });
const patch = (tenantId: string, id: string, operations: PatchOperationJson[], extra: { ifMatch?: string } = {}, profile = PROFILE) =>
  command(tenantId, 'user.patch', { profile, id, operations, ...extra });
const replace = (tenantId: string, id: string, resource: Record<string, unknown>, extra: Record<string, unknown> = {}, profile = PROFILE) =>
  command(tenantId, 'user.replace', { profile, id, resource: { schemas: [USER_SCHEMA], ...resource }, ...extra });
const remove = (tenantId: string, id: string, extra: Record<string, unknown> = {}) => command(tenantId, 'user.delete', { id, ...extra });

/** Runs one batch and returns its replies in order. */
async function run(...batch: ReceivedCommand[]): Promise<CommandReply[]> {
  const before = sender.sent.length;
  await service.handle(batch);
  return sender.sent.slice(before).map((s) => s.reply);
}

async function created(tenantId: string, resource: Record<string, unknown>, profile = PROFILE): Promise<string> {
  const [reply] = await run(create(tenantId, resource, profile));
  expect(reply.status).toBe(201);
  return String(reply.body!.id);
}

describe('user.create', () => {
  it('assigns an id and meta, stores the resource, replies 201 and publishes scim.user.created', async () => {
    const [reply] = await run(create('t1', { userName: 'bjensen@example.com', externalId: 'e-1', name: { givenName: 'Barbara' }, active: true }));
    const id = '00000000-0000-4000-8000-000000000001';
    const resource = {
      schemas: [USER_SCHEMA],
      id,
      userName: 'bjensen@example.com',
      externalId: 'e-1',
      name: { givenName: 'Barbara' },
      active: true,
      meta: { resourceType: 'User', created: '2026-11-22T10:00:01.000Z', lastModified: '2026-11-22T10:00:01.000Z', version: 'W/"1"' },
    };
    expect(reply).toEqual({ commandId: 'c1', tenantId: 't1', status: 201, body: resource, version: 'W/"1"' });
    expect(store.users()).toEqual([{ tenantId: 't1', id, version: 1, created: '2026-11-22T10:00:01.000Z', lastModified: '2026-11-22T10:00:01.000Z', resource }]);
    expect(store.state.outbox).toEqual([
      {
        key: `t1/${id}`,
        messageId: '00000000-0000-4000-8000-000000000002',
        headers: { 'content-type': 'application/cloudevents+json; charset=UTF-8' },
        value: {
          specversion: '1.0',
          id: '00000000-0000-4000-8000-000000000002',
          source: '/scim/user-service',
          type: 'scim.user.created',
          subject: id,
          time: '2026-11-22T10:00:01.000Z',
          datacontenttype: 'application/json',
          tenantid: 't1',
          data: { resource, changedAttributes: ['externalId', 'userName', 'name.givenName', 'active'] },
        },
      },
    ]);
    expect(sender.sent[0]).toMatchObject({ replyTo: 'gateway-1', correlationId: 'corr-1' });
  });

  it('ignores readOnly input (id, meta, groups) and never stores the password', async () => {
    const [reply] = await run(create('t1', { userName: 'a', id: 'mine', meta: { created: '1999-01-01T00:00:00Z' }, groups: [{ value: 'g' }], password: 'hunter2' }));
    expect(reply.body).toMatchObject({ id: '00000000-0000-4000-8000-000000000001', meta: { created: '2026-11-22T10:00:01.000Z' } });
    expect(reply.body).not.toHaveProperty('groups');
    expect(JSON.stringify(store.state)).not.toContain('hunter2');
  });

  it('refuses a userName already in the tenant, ignoring case, with 409 uniqueness', async () => {
    await created('t1', { userName: 'BJensen' });
    const [reply] = await run(create('t1', { userName: 'bjensen' }));
    expect(reply).toMatchObject({ status: 409, body: { status: '409', scimType: 'uniqueness' } });
    expect(store.users()).toHaveLength(1);
    expect(store.events()).toHaveLength(1);
  });

  it('gives the second of two creates of one userName in a batch 409', async () => {
    const replies = await run(create('t1', { userName: 'x@y' }), create('t1', { userName: 'X@Y' }), create('t1', { userName: 'other' }));
    expect(replies.map((r) => r.status)).toEqual([201, 409, 201]);
    expect(
      store
        .users()
        .map((u) => u.resource.userName)
        .sort(),
    ).toEqual(['other', 'x@y']);
    expect(store.events().map((e) => e.type)).toEqual(['scim.user.created', 'scim.user.created']);
  });

  it('lets two tenants use the same userName', async () => {
    const replies = await run(create('t1', { userName: 'same' }), create('t2', { userName: 'same' }));
    expect(replies.map((r) => r.status)).toEqual([201, 201]);
  });

  it('refuses unknown attributes under a strict profile, naming them, and reports them under ignore', async () => {
    const [strict] = await run(create('t1', { userName: 'a', favouriteColour: 'blue' }, STRICT));
    expect(strict).toMatchObject({ status: 400, body: { scimType: 'invalidSyntax', detail: "Unknown attribute: 'favouriteColour'" } });
    const [ignored] = await run(create('t1', { userName: 'a', favouriteColour: 'blue' }));
    expect(ignored.status).toBe(201);
    expect(ignored.body).not.toHaveProperty('favouriteColour');
    expect(logLines.filter((l) => l.level === 'warn')).toEqual([
      expect.objectContaining({ message: 'unknown attributes ignored', tenantId: 't1', commandId: 'c2', attributes: ['favouriteColour'] }),
    ]);
  });

  it('answers a body the schema refuses with 400 and stores nothing', async () => {
    const [reply] = await run(create('t1', { name: { givenName: 'no userName' } }));
    expect(reply).toMatchObject({ status: 400, body: { scimType: 'invalidValue' } });
    expect(store.users()).toEqual([]);
    expect(store.events()).toEqual([]);
  });
});

describe('user.patch', () => {
  it('applies the operations, bumps the version and lastModified, keeps created, and publishes scim.user.updated', async () => {
    const id = await created('t1', { userName: 'a', displayName: 'A' });
    const [reply] = await run(patch('t1', id, [{ op: 'replace', path: 'displayName', value: 'Ay' }]));
    expect(reply).toMatchObject({
      status: 200,
      version: 'W/"2"',
      body: { displayName: 'Ay', meta: { created: '2026-11-22T10:00:01.000Z', lastModified: '2026-11-22T10:00:02.000Z', version: 'W/"2"' } },
    });
    expect(store.events().map((e) => [e.type, e.data.changedAttributes])).toEqual([
      ['scim.user.created', ['userName', 'displayName']],
      ['scim.user.updated', ['displayName']],
    ]);
  });

  it('publishes deactivated and reactivated when active flips', async () => {
    const id = await created('t1', { userName: 'a', active: true });
    await run(patch('t1', id, [{ op: 'replace', path: 'active', value: 'False' }]));
    await run(patch('t1', id, [{ op: 'replace', value: { active: true, title: 'Boss' } }]));
    expect(store.events().map((e) => [e.type, e.data.changedAttributes])).toEqual([
      ['scim.user.created', ['userName', 'active']],
      ['scim.user.deactivated', ['active']],
      ['scim.user.reactivated', ['title', 'active']],
    ]);
  });

  it('answers a patch that changes nothing with the current version and publishes nothing', async () => {
    const id = await created('t1', { userName: 'a', displayName: 'A' });
    const [reply] = await run(patch('t1', id, [{ op: 'replace', path: 'displayName', value: 'A' }]));
    expect(reply).toMatchObject({ status: 200, version: 'W/"1"' });
    expect(store.events()).toHaveLength(1);
    expect(store.users()[0].version).toBe(1);
  });

  it('answers a patch whose operations were all write-only (left out by the gateway) with the current version', async () => {
    const id = await created('t1', { userName: 'a', displayName: 'A' });
    const [reply] = await run(patch('t1', id, []));
    expect(reply).toMatchObject({ status: 200, version: 'W/"1"', body: { id, displayName: 'A' } });
    expect(store.events()).toHaveLength(1);
    const [missing] = await run(patch('t1', '0b6a8a52-5f7c-4c84-9d43-4d5b3d8cb1c1', []));
    expect(missing).toMatchObject({ status: 404 });
  });

  it('applies all operations or none (RFC 7644 §3.5.2)', async () => {
    const id = await created('t1', { userName: 'a', displayName: 'A' });
    const [reply] = await run(
      patch('t1', id, [
        { op: 'replace', path: 'displayName', value: 'B' },
        { op: 'replace', path: 'meta.created', value: 'x' },
      ]),
    );
    expect(reply).toMatchObject({ status: 400, body: { scimType: 'mutability' } });
    expect(store.users()[0].resource.displayName).toBe('A');
  });

  it('refuses unknown attributes under a strict profile with invalidPath naming them; reports them under ignore', async () => {
    const id = await created('t1', { userName: 'a' });
    const [strict] = await run(patch('t1', id, [{ op: 'add', path: 'shoeSize', value: '42' }], {}, STRICT));
    expect(strict).toMatchObject({ status: 400, body: { scimType: 'invalidPath', detail: "Unknown attribute: 'shoeSize'" } });
    const [ignored] = await run(
      patch('t1', id, [
        { op: 'add', path: 'shoeSize', value: '42' },
        { op: 'add', path: 'title', value: 'T' },
      ]),
    );
    expect(ignored).toMatchObject({ status: 200, version: 'W/"2"' });
    expect(logLines.find((l) => l.level === 'warn')).toMatchObject({ tenantId: 't1', attributes: ['shoeSize'] });
  });

  it('refuses removing the userName', async () => {
    const id = await created('t1', { userName: 'a' });
    const [reply] = await run(patch('t1', id, [{ op: 'remove', path: 'userName' }]));
    expect(reply).toMatchObject({ status: 400, body: { scimType: 'invalidValue' } });
  });

  it('refuses renaming onto a userName another user holds (found in the store), and frees the old name', async () => {
    const a = await created('t1', { userName: 'alice' });
    await created('t1', { userName: 'bob' });
    const replies = await run(
      patch('t1', a, [{ op: 'replace', path: 'userName', value: 'BOB' }]),
      patch('t1', a, [{ op: 'replace', path: 'userName', value: 'carol' }]),
      create('t1', { userName: 'Alice' }),
    );
    expect(replies.map((r) => r.status)).toEqual([409, 200, 201]);
    expect(
      store
        .users()
        .map((u) => u.resource.userName)
        .sort(),
    ).toEqual(['Alice', 'bob', 'carol']);
  });

  it('allows changing only the case of the userName', async () => {
    const id = await created('t1', { userName: 'alice' });
    const [reply] = await run(patch('t1', id, [{ op: 'replace', path: 'userName', value: 'Alice' }]));
    expect(reply).toMatchObject({ status: 200, body: { userName: 'Alice' } });
  });
});

describe('user.replace', () => {
  it('replaces the attributes, keeps id and created, ignores readOnly input', async () => {
    const id = await created('t1', { userName: 'a', displayName: 'A', title: 'T' });
    const [reply] = await run(replace('t1', id, { userName: 'a', displayName: 'B', id: 'other', meta: { version: 'W/"9"' } }));
    expect(reply).toMatchObject({ status: 200, version: 'W/"2"' });
    expect(reply.body).toEqual({
      schemas: [USER_SCHEMA],
      id,
      userName: 'a',
      displayName: 'B',
      meta: { resourceType: 'User', created: '2026-11-22T10:00:01.000Z', lastModified: '2026-11-22T10:00:02.000Z', version: 'W/"2"' },
    });
    expect(store.events()[1].data.changedAttributes).toEqual(['displayName', 'title']);
  });

  it('refuses changing an immutable (create-only) attribute with 400 mutability', async () => {
    const id = await created('t1', { userName: 'a', [ENTERPRISE_USER_SCHEMA]: { employeeNumber: '1' } }, CREATE_ONLY_EMPLOYEE_NUMBER);
    const [reply] = await run(replace('t1', id, { userName: 'a', [ENTERPRISE_USER_SCHEMA]: { employeeNumber: '2' } }, {}, CREATE_ONLY_EMPLOYEE_NUMBER));
    expect(reply).toMatchObject({ status: 400, body: { scimType: 'mutability' } });
    const [same] = await run(replace('t1', id, { userName: 'a', displayName: 'D', [ENTERPRISE_USER_SCHEMA]: { employeeNumber: '1' } }, {}, CREATE_ONLY_EMPLOYEE_NUMBER));
    expect(same.status).toBe(200);
  });

  it('answers 412 when If-Match names another version, and applies when it names the current one', async () => {
    const id = await created('t1', { userName: 'a' });
    const [stale] = await run(replace('t1', id, { userName: 'a', title: 'x' }, { ifMatch: 'W/"7"' }));
    expect(stale).toMatchObject({ status: 412 });
    const [current] = await run(replace('t1', id, { userName: 'a', title: 'x' }, { ifMatch: 'W/"1"' }));
    expect(current).toMatchObject({ status: 200, version: 'W/"2"' });
    const [star] = await run(patch('t1', id, [{ op: 'replace', path: 'title', value: 'y' }], { ifMatch: '*' }));
    expect(star).toMatchObject({ status: 200, version: 'W/"3"' });
  });

  it('refuses a userName another user holds', async () => {
    const id = await created('t1', { userName: 'a' });
    await created('t1', { userName: 'b' });
    const [reply] = await run(replace('t1', id, { userName: 'B' }));
    expect(reply).toMatchObject({ status: 409, body: { scimType: 'uniqueness' } });
  });
});

describe('user.delete and unknown users', () => {
  it('deletes (204), publishes scim.user.deleted with the last resource, and the user is gone', async () => {
    const id = await created('t1', { userName: 'a' });
    const [deleted] = await run(remove('t1', id));
    expect(deleted).toEqual({ commandId: 'c2', tenantId: 't1', status: 204 });
    expect(store.users()).toEqual([]);
    expect(store.events()[1]).toMatchObject({ type: 'scim.user.deleted', subject: id, data: { resource: { id, userName: 'a' }, changedAttributes: [] } });
    const replies = await run(patch('t1', id, [{ op: 'replace', path: 'title', value: 'x' }]), remove('t1', id));
    expect(replies.map((r) => r.status)).toEqual([404, 404]);
  });

  it('answers 404 for another tenant’s user, a malformed id and a missing one', async () => {
    const id = await created('t1', { userName: 'a' });
    const replies = await run(
      patch('t2', id, [{ op: 'replace', path: 'title', value: 'x' }]),
      replace('t2', id, { userName: 'a' }),
      remove('t2', id),
      remove('t1', 'not-a-uuid'),
      remove('t1', '00000000-0000-4000-8000-999999999999'),
    );
    expect(replies.map((r) => [r.status, r.body?.status])).toEqual(Array(5).fill([404, '404']));
    expect(store.users()).toHaveLength(1);
  });

  it('answers a command of a type it does not know with 400, not an error', async () => {
    // The topic's schema dead-letters such a record before it gets here; a command built in code still gets an answer.
    const unknownType = { ...command('t1', 'user.delete', { id: 'x' }).command, type: 'user.frobnicate' } as unknown as UserCommand;
    const replies = await run({ command: unknownType, replyTo: 'gateway-1', correlationId: 'corr-x' });
    expect(replies.map((r) => [r.status, r.body?.scimType])).toEqual([[400, 'invalidSyntax']]);
  });
});

describe('batches', () => {
  it('applies a tenant’s commands in order within one batch and one transaction, writing the net result', async () => {
    const c = create('t1', { userName: 'a' });
    const id = '00000000-0000-4000-8000-000000000001';
    const replies = await run(c, patch('t1', id, [{ op: 'add', path: 'title', value: 'T' }]), remove('t1', id), create('t1', { userName: 'A' }));
    expect(replies.map((r) => r.status)).toEqual([201, 200, 204, 201]);
    expect(store.transactions).toBe(1);
    expect(store.events().map((e) => [e.type, e.subject])).toEqual([
      ['scim.user.created', id],
      ['scim.user.updated', id],
      ['scim.user.deleted', id],
      ['scim.user.created', '00000000-0000-4000-8000-000000000002'],
    ]);
    expect(store.users().map((u) => u.id)).toEqual(['00000000-0000-4000-8000-000000000002']);
  });

  it('re-sends the stored reply of a redelivered command without deciding it again', async () => {
    const first = create('t1', { userName: 'a' });
    const [original] = await run(first);
    const [again] = await run(first, create('t1', { userName: 'b' }));
    expect(again).toEqual(original);
    expect(store.events().map((e) => e.data.resource.userName)).toEqual(['a', 'b']);
  });

  it('decides a command id that appears twice in a batch once and replies to both', async () => {
    const c = create('t1', { userName: 'a' });
    const replies = await run(c, c);
    expect(replies.map((r) => r.status)).toEqual([201, 201]);
    expect(replies[0]).toEqual(replies[1]);
    expect(store.events()).toHaveLength(1);
  });

  it('sends replies only after the commit, and none when the transaction fails', async () => {
    store.failNextSave = new Error('connection reset');
    await expect(run(create('t1', { userName: 'a' }))).rejects.toThrow('connection reset');
    expect(sender.sent).toEqual([]);
    expect(store.state.processed.size).toBe(0);
    const [retried] = await run(create('t1', { userName: 'a' }));
    expect(retried.status).toBe(201);
  });

  it('answers a single command whose data the store refuses (Postgres class 22) with 400 at once, and the same on redelivery', async () => {
    const refused = Object.assign(new Error('unsupported Unicode escape sequence'), { code: '22P05' });
    store.failNextSave = refused;
    const command = create('t1', { userName: 'a' });
    const [reply] = await run(command);
    expect(reply).toMatchObject({ status: 400, body: { scimType: 'invalidValue' } });
    expect(store.events()).toEqual([]);
    const [again] = await run(command);
    expect(again).toEqual(reply);
    expect(JSON.stringify(logLines)).not.toContain('unsupported Unicode');
  });

  it('leaves a batch of several whose data the store refuses to the transport, to retry one by one', async () => {
    store.failNextSave = Object.assign(new Error('invalid input syntax'), { code: '22P02' });
    await expect(run(create('t1', { userName: 'a' }), create('t1', { userName: 'b' }))).rejects.toThrow('invalid input syntax');
    expect(sender.sent).toEqual([]);
  });

  it('answers 409 when the store refuses the userName of a single command', async () => {
    store.takenElsewhere.add('t1/a');
    const [reply] = await run(create('t1', { userName: 'A' }));
    expect(reply).toMatchObject({ status: 409, body: { scimType: 'uniqueness' } });
    expect(store.events()).toEqual([]);
    expect(store.state.replies.get(reply.commandId)).toEqual(reply);
  });

  it('fails a batch the store refuses, for the transport to retry command by command', async () => {
    store.takenElsewhere.add('t1/a');
    await expect(run(create('t1', { userName: 'a' }), create('t1', { userName: 'b' }))).rejects.toBeInstanceOf(UserNameTaken);
    expect(sender.sent).toEqual([]);
  });

  it('stores but does not send the reply of a command nobody waits for', async () => {
    const c = { ...create('t1', { userName: 'a' }), replyTo: undefined };
    await service.handle([c]);
    expect(sender.sent).toEqual([expect.objectContaining({ replyTo: undefined })]);
    expect(store.state.replies.get(c.command.commandId)).toMatchObject({ status: 201 });
  });
});

describe('group commit', () => {
  it('decides the batches of several partitions that arrive during a transaction together in the next one', async () => {
    const first = service.handle([create('t1', { userName: 'a' })]);
    // These three arrive while the first transaction runs: they share the next one.
    const others = [service.handle([create('t2', { userName: 'b' })]), service.handle([create('t3', { userName: 'c' })]), service.handle([create('t4', { userName: 'd' })])];
    await Promise.all([first, ...others]);
    expect(store.transactions).toBe(2);
    expect(sender.sent.map((s) => s.reply.status)).toEqual([201, 201, 201, 201]);
    expect(
      store
        .users()
        .map((u) => u.resource.userName)
        .sort(),
    ).toEqual(['a', 'b', 'c', 'd']);
  });

  it('tries each batch of a failed merged transaction on its own, so only the failing one hears of it', async () => {
    const original = store.inTransaction.bind(store);
    let calls = 0;
    // The second transaction (the merged one) and the lone retry of t3's batch fail.
    store.inTransaction = async (work) => {
      calls += 1;
      const failing = calls === 2 || calls === 4;
      const result = await original(work);
      if (failing) throw new Error('database away for this one');
      return result;
    };
    const first = service.handle([create('t1', { userName: 'a' })]);
    const b = service.handle([create('t2', { userName: 'b' })]);
    const c = service.handle([create('t3', { userName: 'c' })]);
    const d = service.handle([create('t4', { userName: 'd' })]);
    await expect(first).resolves.toBeUndefined();
    await expect(b).resolves.toBeUndefined();
    await expect(c).rejects.toThrow('database away');
    await expect(d).resolves.toBeUndefined();
    expect(calls).toBe(5); // first, merged (failed), then b, c (failed), d on their own
  });
});
