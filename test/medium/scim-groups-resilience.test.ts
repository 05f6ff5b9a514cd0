import { ScimClient, ScimStack, USER_SCHEMA } from './support/scim-stack';
import { uniqueId } from './support/names';

/**
 * Downstream consumers see exactly one membership event per effective change across a SIGKILL of
 * the group-membership-service mid-burst: through the built gateway, user-service and group
 * service, on real Kafka and Postgres.
 */
const stack = new ScimStack();
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

beforeAll(() => stack.start({ DECISION_TIMEOUT_MS: '3000' }, { groups: true }), 180000);
afterAll(() => stack.stop());

async function createUsers(tenant: ScimClient, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const res = await tenant.post('/Users', { schemas: [USER_SCHEMA], userName: `${uniqueId('m')}@groups.test` });
    expect(res.status).toBe(201);
    ids.push(res.body.id as string);
  }
  return ids;
}

it('publishes one membership event per member added, across a SIGKILL of the group service mid-burst', async () => {
  const tenant = await stack.tenant();
  const users = await createUsers(tenant, 60);
  const group = (await tenant.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: uniqueId('Burst') })).body.id as string;

  const statuses = new Map<number, number>();
  let next = 0;
  let answered = 0;
  const worker = async () => {
    while (next < users.length) {
      const member = users[next++];
      const res = await tenant.patch(`/Groups/${group}`, { schemas: [PATCH_OP], Operations: [{ op: 'Add', path: 'members', value: [{ value: member }] }] });
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      answered++;
    }
  };
  const burst = Promise.all(Array.from({ length: 4 }, worker));
  while (answered < 15) await new Promise((r) => setTimeout(r, 10));
  const groupService = stack.processes.get('group-membership-service')!;
  const port = Number(new URL(groupService.url).port);
  await groupService.kill('SIGKILL');
  const userServicePort = new URL(stack.processes.get('user-service')!.url).port;
  await stack.startService('group-membership-service', port, { KAFKA_SESSION_TIMEOUT_MS: '6000', USER_SERVICE_URL: `http://127.0.0.1:${userServicePort}` });
  await burst;
  expect([...statuses.keys()].every((s) => s === 204 || s === 503)).toBe(true);

  // Every command was accepted by Kafka and is decided once the service is back: all 60 become members.
  const deadline = Date.now() + 60000;
  let members: string[] = [];
  while (Date.now() < deadline) {
    const res = await tenant.get(`/Groups/${group}`);
    members = ((res.body.members ?? []) as Array<{ value: string }>).map((m) => m.value);
    if (members.length === users.length) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  expect(members.sort()).toEqual([...users].sort());

  await stack.groupEvents!.settle(3000);
  const added = stack
    .groupEvents!.json<{ type: string; subject: string; data: { memberIds?: string[] } }>()
    .filter((e) => e.subject === group && e.type === 'scim.membership.added')
    .flatMap((e) => e.data.memberIds ?? []);
  expect(added.length).toBe(users.length); // none twice
  expect(new Set(added)).toEqual(new Set(users)); // none missing
});
