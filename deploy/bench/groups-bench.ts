import { randomBytes } from 'node:crypto';
import { AdminClient } from '../local/admin-client';
import { peakRssMiB } from './process-memory';
import { RunningStack } from './stack-handle';
import { runPool, Samples } from './stats';
import { call } from './users-bench';

const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export interface GroupsBenchOptions {
  members: number;
  perPatch: number;
  reads: number;
}

/**
 * A group grown to `members` members by PATCHes of `perPatch` (as Entra sends membership
 * changes), then reads Entra makes against it: GET with excludedAttributes=members and the
 * `members[value eq]` filter. The members are real users of the tenant, created first through
 * SCIM (not timed), as members must be.
 */
export async function groupsBench(stack: RunningStack, options: GroupsBenchOptions): Promise<Record<string, unknown>> {
  const run = randomBytes(3).toString('hex');
  const tenant = await new AdminClient(stack.gatewayUrl, stack.adminToken).createTenant(`bench-${run}-groups`, {
    maxWritesInFlight: 500,
    rateLimit: { requestsPerSecond: 100000, burst: 100000 },
  });
  const created = await call(tenant, 'POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: `bench group ${run}` });
  if (created.status !== 201) throw new Error(`group create answered ${created.status}: ${JSON.stringify(created.body)}`);
  const groupId = created.body.id as string;

  const users: string[] = [];
  const userSetupStarted = performance.now();
  await runPool(options.members, 200, async (i) => {
    const res = await call(tenant, 'POST', '/Users', { schemas: [USER_SCHEMA], userName: `member.${run}.${i}@example.com`, displayName: `Member ${i}` });
    if (res.status !== 201) throw new Error(`user create answered ${res.status}: ${JSON.stringify(res.body)}`);
    users.push(res.body.id as string);
  });
  const userSetupSeconds = Math.round((performance.now() - userSetupStarted) / 100) / 10;

  const patches = new Samples();
  const statuses = new Map<number, number>();
  const memberIds: string[] = [];
  for (let added = 0; added < options.members; added += options.perPatch) {
    const batch = users.slice(added, added + options.perPatch);
    memberIds.push(...batch);
    const res = await call(tenant, 'PATCH', `/Groups/${groupId}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Add', path: 'members', value: batch.map((value) => ({ value })) }],
    });
    patches.add(res.ms);
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
  }

  const excluded = new Samples();
  const filtered = new Samples();
  const entraFilter = new Samples();
  let wrong = 0;
  for (let i = 0; i < options.reads; i++) {
    const member = memberIds[Math.floor(Math.random() * memberIds.length)];
    const a = await call(tenant, 'GET', `/Groups/${groupId}?excludedAttributes=members`);
    excluded.add(a.ms);
    if (a.status !== 200 || a.body.members !== undefined) wrong++;
    const b = await call(tenant, 'GET', `/Groups?filter=${encodeURIComponent(`members[value eq "${member}"]`)}&excludedAttributes=members`);
    filtered.add(b.ms);
    if (b.body?.totalResults !== 1) wrong++;
    const c = await call(tenant, 'GET', `/Groups?filter=${encodeURIComponent(`id eq "${groupId}" and members[value eq "${member}"]`)}&excludedAttributes=members`);
    entraFilter.add(c.ms);
    if (c.body?.totalResults !== 1) wrong++;
  }

  // One more 1,000-member removal at full size, the other half of what Entra sends.
  const removal = await call(tenant, 'PATCH', `/Groups/${groupId}`, {
    schemas: [PATCH_OP],
    Operations: [{ op: 'Remove', path: 'members', value: memberIds.slice(0, options.perPatch).map((value) => ({ value })) }],
  });

  return {
    members: options.members,
    userSetupSeconds,
    perPatch: options.perPatch,
    addPatchesMs: patches.summary(),
    patchStatuses: Object.fromEntries(statuses),
    removePatchAtFullSizeMs: Math.round(removal.ms * 10) / 10,
    getExcludedMembersMs: excluded.summary(),
    filterMembersValueEqMs: filtered.summary(),
    filterIdAndMembersValueEqMs: entraFilter.summary(),
    wrongAnswers: wrong,
    peakRssMiB: Object.fromEntries(Object.entries(stack.pids).map(([name, pid]) => [name, peakRssMiB(pid)])),
  };
}
