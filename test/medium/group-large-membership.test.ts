import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { serviceEnvironment, STACK_SERVICES } from '../../deploy/local/stack';
import { parseFilter, SchemaRegistry, validateFilter } from '@app/scim';
import { groupSelection } from '../../apps/group-membership-service/src/persistence/groups-query.repository';
import { GROUP_SCHEMA, patchOp, ScimClient, ScimStack } from './support/scim-stack';
import { uniqueId } from './support/names';

/**
 * A 100k-member group through the running gateway: adding and removing 1,000 members in one
 * PATCH are set-based statements on `memberships`, so they take about as long as on a small
 * group, and a read that excludes members never touches the member rows.
 */
const MEMBERS = 100_000;
const stack = new ScimStack();
let entra: ScimClient;
let db: Client;

beforeAll(async () => {
  await stack.start({}, { groups: true });
  entra = await stack.tenant();
  const service = STACK_SERVICES.find((s) => s.name === 'group-membership-service')!;
  db = new Client({ connectionString: serviceEnvironment(service, { postgresUrl: stack.infra.postgresUrl, kafkaBrokers: '', databasePrefix: stack.databasePrefix }).DATABASE_URL });
  await db.connect();
}, 180000);
afterAll(async () => {
  await db?.end();
  await stack.stop();
});

async function memberCount(groupId: string): Promise<number> {
  const { rows } = await db.query('SELECT count(*)::int AS n FROM memberships WHERE tenant_id = $1 AND group_id = $2', [entra.id, groupId]);
  return rows[0].n as number;
}

it('adds and removes 1,000 members of a 100k-member group in one PATCH each', async () => {
  const created = await entra.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: uniqueId('Big') });
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  // Seeded directly: provisioning 100k users through Kafka is what the throughput tests do.
  await db.query('INSERT INTO memberships (tenant_id, group_id, member_id) SELECT $1, $2, gen_random_uuid() FROM generate_series(1, $3::int)', [entra.id, id, MEMBERS]);
  await db.query('ANALYZE memberships');

  // The 1,000 added are real users of the tenant (members must be); the 100k seeded above are rows only.
  const added: string[] = [];
  await Promise.all(
    Array.from({ length: 20 }, async () => {
      while (added.length < 1000) {
        const user = await entra.post('/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `${randomUUID()}@big.test` });
        expect(user.status).toBe(201);
        added.push(user.body.id as string);
      }
    }),
  );
  added.length = 1000;
  const add = await entra.patch(`/Groups/${id}`, patchOp({ op: 'Add', path: 'members', value: added.map((value) => ({ value })) }));
  expect(add.status).toBe(204);
  expect(await memberCount(id)).toBe(MEMBERS + 1000);

  const remove = await entra.patch(`/Groups/${id}`, patchOp({ op: 'Remove', path: 'members', value: added.map((value) => ({ value })) }));
  expect(remove.status).toBe(204);
  expect(await memberCount(id)).toBe(MEMBERS);

  const lean = await entra.get(`/Groups/${id}?excludedAttributes=members`);
  expect(lean.status).toBe(200);
  expect(lean.body.members).toBeUndefined();
  // How long these take is measured by `npm run bench -- groups`, not asserted here.

  // One event per command, carrying exactly the 1,000 ids.
  const events = () =>
    stack.groupEvents!.json<{ type: string; subject: string; data: { memberIds?: string[] } }>().filter((e) => e.subject === id && e.type.startsWith('scim.membership.'));
  const deadline = Date.now() + 30000;
  while (events().length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  expect(events().map((e) => [e.type, e.data.memberIds?.length])).toEqual([
    ['scim.membership.added', 1000],
    ['scim.membership.removed', 1000],
  ]);

  // Entra's membership check is index lookups, not a scan of the group's members.
  const filter = validateFilter(parseFilter(`id eq "${id}" and members[value eq "${added[0]}"]`), SchemaRegistry.createDefault().context('Group'));
  const { where, params } = groupSelection(entra.id, filter, false);
  const plan = (await db.query(`EXPLAIN SELECT g.id FROM groups g WHERE ${where}`, params.values)).rows.map((r) => String(r['QUERY PLAN'])).join('\n');
  expect(plan).not.toMatch(/Seq Scan on memberships/);
});
