import { groupStateKey, Headers, membershipStateKey, userStateKey } from '@app/contracts';
import { Directory } from '../../apps/example-subscriber/src/directory';
import { Subscriber } from '../../apps/example-subscriber/src/subscriber';
import type { CollectedRecord } from './support/kafka-helpers';
import { uniqueId } from './support/names';
import { entraUser, GROUP_SCHEMA, patchOp, ScimStack, type ScimClient } from './support/scim-stack';
import { eventually } from './support/eventually';

/**
 * The example subscriber (apps/example-subscriber) bootstraps from the state topics while the
 * tenant keeps changing, then follows the events: it ends with exactly the platform's state, every
 * event is either covered by the state it read or applied once, and none is both or neither.
 */
const stack = new ScimStack();
let scim: ScimClient;
let subscriber: Subscriber | undefined;
const directory = new Directory();

beforeAll(async () => {
  await stack.start({}, { groups: true });
  scim = await stack.tenant();
}, 180_000);

afterAll(async () => {
  await subscriber?.stop();
  await stack.stop();
}, 60_000);

async function createUser(): Promise<string> {
  const res = await scim.post('/Users', entraUser());
  expect(res.status).toBe(201);
  return res.body.id as string;
}

async function createGroup(members: string[]): Promise<string> {
  const res = await scim.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: uniqueId('Group'), members: members.map((value) => ({ value })) });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

async function ok(response: Promise<{ status: number }>): Promise<void> {
  expect([200, 204]).toContain((await response).status);
}

/**
 * The platform's view of the tenant, through SCIM: user versions, group names and members. (A
 * group's version also moves with its members, which membership events carry without the group.)
 */
async function platformView(): Promise<string> {
  const users = await scim.get('/Users?count=1000');
  const groups = await scim.get('/Groups?count=1000');
  const view: Record<string, unknown> = {};
  for (const u of users.body.Resources as Array<{ id: string; meta: { version: string } }>) view[`user ${u.id}`] = u.meta.version;
  for (const g of groups.body.Resources as Array<{ id: string }>) {
    const one = await scim.get(`/Groups/${g.id}`);
    view[`group ${g.id}`] = one.body.displayName;
    const members = ((one.body.members ?? []) as Array<{ value: string }>).map((m) => m.value).sort();
    if (members.length > 0) view[`members ${g.id}`] = members;
  }
  return JSON.stringify(view, Object.keys(view).sort());
}

/** The subscriber's view of the same tenant. */
function subscriberView(): string {
  const prefix = `${scim.id}/`;
  const view: Record<string, unknown> = {};
  for (const [key, u] of directory.users) if (key.startsWith(prefix)) view[`user ${key.slice(prefix.length)}`] = (u.meta as { version: string }).version;
  for (const [key, g] of directory.groups) if (key.startsWith(prefix)) view[`group ${key.slice(prefix.length)}`] = g.displayName;
  for (const [key, m] of directory.members) if (key.startsWith(prefix) && m.size > 0) view[`members ${key.slice(prefix.length)}`] = [...m].sort();
  return JSON.stringify(view, Object.keys(view).sort());
}

/** The state keys an event moves (a membership event: one per member). */
function keysOf(record: CollectedRecord): string[] {
  const event = JSON.parse(record.value!) as { type: string; subject: string; tenantid: string; data: { groupId?: string; memberIds?: string[] } };
  if (event.type.startsWith('scim.membership.')) return event.data.memberIds!.map((m) => membershipStateKey(event.tenantid, event.data.groupId!, m));
  return [event.type.startsWith('scim.user.') ? userStateKey(event.tenantid, event.subject) : groupStateKey(event.tenantid, event.subject)];
}

describe('example subscriber', () => {
  it('bootstraps from the state topics while the tenant changes, then follows the events without a gap or a duplicate', async () => {
    // Before the subscriber exists: creations, updates, deletions, memberships, a deleted group.
    const users = [await createUser(), await createUser(), await createUser(), await createUser(), await createUser()];
    await ok(scim.patch(`/Users/${users[1]}`, patchOp({ op: 'replace', path: 'displayName', value: 'Renamed' })));
    await ok(scim.delete(`/Users/${users[2]}`));
    const groupA = await createGroup([users[0], users[1]]);
    const groupB = await createGroup([users[3]]);
    await ok(scim.delete(`/Groups/${groupB}`));
    await ok(scim.patch(`/Groups/${groupA}`, patchOp({ op: 'remove', path: `members[value eq "${users[1]}"]` }, { op: 'add', path: 'members', value: [{ value: users[4] }] })));

    // The subscriber starts while writes go on.
    subscriber = new Subscriber({ kafka: stack.kafka, groupId: `${stack.prefix}example-subscriber`, topicPrefix: stack.prefix, directory });
    const started = subscriber.start();
    const later: string[] = [];
    for (let i = 0; i < 8; i++) {
      const id = await createUser();
      later.push(id);
      await ok(scim.patch(`/Groups/${groupA}`, patchOp({ op: 'add', path: 'members', value: [{ value: id }] })));
      if (i % 3 === 0) await ok(scim.patch(`/Users/${id}`, patchOp({ op: 'replace', path: 'active', value: false })));
    }
    await started;
    await ok(scim.delete(`/Users/${users[0]}`)); // leaves group A too
    await ok(scim.patch(`/Users/${later[1]}`, patchOp({ op: 'replace', path: 'displayName', value: 'After bootstrap' })));
    const groupC = await createGroup([later[2]]);
    expect(groupC).toBeDefined();

    // Same state as the platform.
    const expected = await platformView();
    await eventually('the subscriber has the platform state', () => (subscriberView() === expected ? true : undefined), 30_000).catch(() => undefined);
    expect(JSON.parse(subscriberView())).toEqual(JSON.parse(expected));

    await stack.userEvents.settle(1000);
    await stack.groupEvents!.settle(1000);
    // Every event of the tenant is covered by the bootstrapped state or applied once, never both or neither.
    const bootstrapped = directory.bootstrapped!;
    const events = [...stack.userEvents.records, ...stack.groupEvents!.records].filter((r) => JSON.parse(r.value!).tenantid === scim.id);
    const covered = (r: CollectedRecord) => keysOf(r).every((k) => (bootstrapped.get(k) ?? -1n) >= BigInt(r.headers[Headers.outboxSequence]));
    const idOf = (r: CollectedRecord) => r.headers[Headers.messageId];
    const mustApply = events
      .filter((r) => !covered(r))
      .map(idOf)
      .sort();
    const applied = directory.appliedEvents.filter((id) => events.some((r) => idOf(r) === id));
    expect(new Set(applied).size).toBe(applied.length); // no duplicate
    expect([...applied].sort()).toEqual(mustApply); // no gap, nothing the state covered
    expect(mustApply.length).toBeGreaterThan(0);
    expect(events.length - mustApply.length).toBeGreaterThan(0); // some came from the state
    expect(directory.skippedEvents).toBeGreaterThan(0); // events in the margin the state covered
  });
});
