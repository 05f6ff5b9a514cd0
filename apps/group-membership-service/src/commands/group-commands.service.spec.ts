/**
 * Decisions of the group-membership-service against an in-memory store: SCIM semantics of
 * /Groups, member validation (no nested groups, no deleted users, users confirmed by the user-service),
 * replies and exactly one membership event per effective change.
 */
import { Topics, type CommandReply, type GroupCommand, type GroupCommandOf, type GroupCommandType, type PatchOperationJson, type UserEvent } from '@app/contracts';
import { RecordValidator } from '@app/messaging';
import { JsonLogger } from '@app/observability';
import { GROUP_SCHEMA } from '@app/scim';
import { GroupCommandsService, ReceivedCommand } from './group-commands.service';
import { GroupDecider } from './group-decider';
import { FakeGroupCommandStore, FakeReplySender } from './testing/fake-group-command-store';

const U1 = '11111111-1111-4111-8111-111111111111';
const U2 = '22222222-2222-4222-8222-222222222222';
const U3 = '33333333-3333-4333-8333-333333333333';
const SCOPE = { managedOnly: false };

let store: FakeGroupCommandStore;
let sender: FakeReplySender;
/** The users the user-service has (the fake directory's answer for ids no event told about). */
let directoryUsers: Set<string>;
const directory = { existing: async (_tenantId: string, ids: readonly string[]) => new Set(ids.filter((id) => directoryUsers.has(id))) };
let service: GroupCommandsService;
let commandNo = 0;

beforeEach(() => {
  store = new FakeGroupCommandStore();
  sender = new FakeReplySender();
  directoryUsers = new Set([U1, U2, U3]);
  let idNo = 0;
  service = new GroupCommandsService(store, sender, new GroupDecider(directory), new JsonLogger('group-membership-service', 'error', () => undefined), () => ({
    now: '2026-11-22T10:00:00.000Z',
    newId: () => `00000000-0000-4000-8000-${String(++idNo).padStart(12, '0')}`,
  }));
});

function command<T extends GroupCommandType>(type: T, payload: GroupCommandOf<T>['payload'], tenantId = 't1'): ReceivedCommand {
  commandNo += 1;
  // A generic T cannot be paired with its payload by the compiler; callers are checked by the signature.
  const body = { commandId: `c${commandNo}`, type, tenantId, issuedAt: '2026-11-22T10:00:00Z', payload } as GroupCommand;
  return { command: body, replyTo: 'gw' };
}
const create = (displayName: string, members: unknown[] = [], extra: Record<string, unknown> = {}) =>
  command('group.create', { scope: SCOPE, resource: { schemas: [GROUP_SCHEMA], displayName, members }, ...extra });
const patch = (id: string, operations: PatchOperationJson[], scope = SCOPE) => command('group.patch', { scope, id, operations });

async function run(...batch: ReceivedCommand[]): Promise<CommandReply[]> {
  const before = sender.sent.length;
  await service.handle(batch);
  return sender.sent.slice(before).map((s) => s.reply);
}

function membershipEvents() {
  return store.events.filter((e) => e.type.startsWith('scim.membership.')).map((e) => [e.type, (e.data as { memberIds: string[] }).memberIds]);
}

describe('group decisions', () => {
  it('creates with members that the user-service confirms though no user event arrived yet', async () => {
    const [reply] = await run(create('Sales', [{ value: U1 }, { value: U2 }]));
    expect(reply.status).toBe(201);
    expect(reply.body?.members).toEqual([
      { value: U1, type: 'User' },
      { value: U2, type: 'User' },
    ]);
    expect(store.events.map((e) => e.type)).toEqual(['scim.group.created', 'scim.membership.added']);
  });

  it.each([
    { name: 'duplicate managed displayName ignoring case', setup: [create('Sales')], cmd: () => create('SALES'), status: 409, scimType: 'uniqueness' },
    {
      name: 'a member that is a group of the tenant',
      setup: [create('Parent')],
      cmd: () => create('Child', [{ value: '00000000-0000-4000-8000-000000000001' }]),
      status: 400,
      scimType: 'invalidValue',
    },
    { name: 'a member id that is not a user id', setup: [], cmd: () => create('X', [{ value: 'not-a-uuid' }]), status: 400, scimType: 'invalidValue' },
    {
      name: 'a member id the user-service does not know',
      setup: [],
      cmd: () => create('X', [{ value: U1 }, { value: '44444444-4444-4444-8444-444444444444' }]),
      status: 400,
      scimType: 'invalidValue',
    },
    {
      name: 'a group without displayName',
      setup: [],
      cmd: () => command('group.create', { scope: SCOPE, resource: { schemas: [GROUP_SCHEMA] } }),
      status: 400,
      scimType: 'invalidValue',
    },
  ])('refuses $name', async ({ setup, cmd, status, scimType }) => {
    if (setup.length > 0) await run(...setup);
    const [reply] = await run(cmd());
    expect(reply.status).toBe(status);
    if (scimType) expect(reply.body?.scimType).toBe(scimType);
  });

  it('allows an application-owned group to repeat a managed name (Fulcrum)', async () => {
    await run(create('Sales'));
    const [reply] = await run(create('Sales', [], { managed: false }));
    expect(reply.status).toBe(201);
  });

  it('publishes one membership event per effective change, none for no-ops', async () => {
    const [created] = await run(create('G'));
    const id = created.body!.id as string;
    const replies = await run(
      patch(id, [{ op: 'add', path: 'members', value: [{ value: U1 }, { value: U2 }] }]),
      patch(id, [{ op: 'add', path: 'members', value: [{ value: U1 }] }]), // already a member
      patch(id, [{ op: 'remove', path: 'members', value: [{ value: U1 }] }]),
      patch(id, [{ op: 'remove', path: `members[value eq "${U1}"]` }]), // not a member any more
      patch(id, [
        { op: 'remove', path: 'members' },
        { op: 'add', path: 'members', value: [{ value: U2 }, { value: U3 }] },
      ]), // U2 removed and re-added: no change for U2
    );
    expect(replies.map((r) => r.status)).toEqual([204, 204, 204, 204, 204]);
    expect(membershipEvents()).toEqual([
      ['scim.membership.added', [U1, U2]],
      ['scim.membership.removed', [U1]],
      ['scim.membership.added', [U3]],
    ]);
    expect(store.groups.get(`t1/${id}`)!.version).toBe(4);
  });

  it('answers noTarget for a removal matching no member under rfc7644, before anything is written', async () => {
    const strict = { managedOnly: false, strictness: 'rfc7644' as const };
    const [created] = await run(create('Strict', [{ value: U1 }]));
    const id = created.body!.id as string;
    const replies = await run(
      patch(id, [{ op: 'remove', path: `members[value eq "${U2}"]` }], strict),
      // The add runs first in the same command, so the removal has its target.
      patch(
        id,
        [
          { op: 'add', path: 'members', value: [{ value: U3 }] },
          { op: 'remove', path: `members[value eq "${U3}"]` },
        ],
        strict,
      ),
      // A removal without target refuses the whole command: the add before it does not apply.
      patch(
        id,
        [
          { op: 'add', path: 'members', value: [{ value: U2 }] },
          { op: 'remove', path: 'members', value: [{ value: U3 }] },
        ],
        strict,
      ),
      patch(id, [{ op: 'remove', path: `members[value eq "${U2}"]` }]), // Entra's default: a no-op
    );
    expect(replies.map((r) => [r.status, r.body?.scimType])).toEqual([
      [400, 'noTarget'],
      [204, undefined],
      [400, 'noTarget'],
      [204, undefined],
    ]);
    expect([...store.members.get(`t1/${id}`)!]).toEqual([U1]);
  });

  it('publishes events that pass the published scim.group-events.v1 schema', async () => {
    const [created] = await run(create('Valid', [{ value: U1 }]));
    const id = created.body!.id as string;
    await run(
      patch(id, [
        { op: 'replace', path: 'displayName', value: 'Renamed' },
        { op: 'remove', path: 'members' },
      ]),
    );
    await run(command('group.delete', { scope: SCOPE, id }));
    const validator = new RecordValidator();
    expect(store.events.map((e) => e.type)).toEqual(['scim.group.created', 'scim.membership.added', 'scim.group.updated', 'scim.membership.removed', 'scim.group.deleted']);
    for (const event of store.events) expect(() => validator.parse(Topics.groupEvents, Buffer.from(JSON.stringify(event)))).not.toThrow();
  });

  it('answers 404 for an application-owned group under managedResources', async () => {
    const [created] = await run(create('App', [], { managed: false }));
    const [reply] = await run(patch(created.body!.id as string, [{ op: 'replace', path: 'displayName', value: 'x' }], { managedOnly: true }));
    expect(reply.status).toBe(404);
  });

  it('re-sends the stored reply of a redelivered command without deciding it again', async () => {
    const c = create('Once');
    const [first] = await run(c);
    const [again] = await run(c);
    expect(again).toEqual(first);
    expect(store.groups.size).toBe(1);
  });

  it('removes a deleted user from every group (one event per group) and refuses it afterwards', async () => {
    const [g1] = await run(create('A', [{ value: U1 }]));
    const [g2] = await run(create('B', [{ value: U1 }, { value: U2 }]));
    const deleted = { id: 'e1', type: 'scim.user.deleted', subject: U1, tenantid: 't1', data: { resource: { userName: 'u1' }, changedAttributes: [] } } as unknown as UserEvent;
    await service.handleUserEvents([deleted, deleted]);
    await service.handleUserEvents([deleted]); // redelivered
    const removed = store.events.filter((e) => e.type === 'scim.membership.removed').map((e) => [e.subject, (e.data as { memberIds: string[] }).memberIds]);
    expect(removed).toEqual([
      [g1.body!.id, [U1]],
      [g2.body!.id, [U1]],
    ]);
    const [refused] = await run(patch(g1.body!.id as string, [{ op: 'add', path: 'members', value: [{ value: U1 }] }]));
    expect(refused.status).toBe(400);
  });
});
