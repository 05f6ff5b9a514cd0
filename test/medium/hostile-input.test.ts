import { randomUUID } from 'node:crypto';
import { deadLetterTopicOf, Headers, Topics } from '@app/contracts';
import { PROCESS_INTERNAL_API_TOKEN } from '../../deploy/local/stack';
import { produce, TopicCollector } from './support/kafka-helpers';
import { entraUser, ERROR_SCHEMA, GROUP_SCHEMA, patchOp, ScimClient, ScimStack } from './support/scim-stack';

/**
 * Issue 10's critical finding, through the built gateway and services on real Kafka and
 * Postgres: input the stores cannot hold is a 400 (or 404) at once, never a retried command
 * that holds the partition; no command is dead-lettered; other tenants keep writing.
 */
const stack = new ScimStack();
let attacker: ScimClient;
let neighbour: ScimClient;
let deadLetters: TopicCollector[];
let replies: TopicCollector;
let commands: TopicCollector;
let requestRecords: TopicCollector;

beforeAll(async () => {
  await stack.start({}, { groups: true });
  attacker = await stack.tenant();
  neighbour = await stack.tenant();
  deadLetters = await Promise.all([Topics.userCommands, Topics.groupCommands].map((t) => new TopicCollector(stack.kafka, stack.prefix + deadLetterTopicOf(t)).start()));
  replies = await new TopicCollector(stack.kafka, stack.prefix + Topics.commandReplies).start();
  commands = await new TopicCollector(stack.kafka, stack.prefix + Topics.userCommands).start();
  requestRecords = await new TopicCollector(stack.kafka, stack.prefix + Topics.requestRecords).start();
});
afterAll(async () => {
  await Promise.all([...(deadLetters ?? []), replies, commands, requestRecords].map((c) => c?.stop()));
  await stack.stop();
});

function expectScimError(res: { status: number; body: Record<string, unknown> }, status: number, scimType?: string): void {
  expect(res.status).toBe(status);
  expect(res.body.schemas).toEqual([ERROR_SCHEMA]);
  expect(res.body.status).toBe(String(status));
  if (scimType !== undefined) expect(res.body.scimType).toBe(scimType);
}

describe('values no store can hold', () => {
  it('answers a NUL or a lone surrogate anywhere in a body with 400 invalidValue, ignored attributes included', async () => {
    expectScimError(await attacker.post('/Users', { ...entraUser(), displayName: 'x\u0000y' }), 400, 'invalidValue');
    expectScimError(await attacker.post('/Users', { ...entraUser(), nickName: '\ud800' }), 400, 'invalidValue');
    expectScimError(await attacker.post('/Users', { ...entraUser(), notAnAttribute: 'a\udc00' }), 400, 'invalidValue');
    expectScimError(await attacker.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'g\u0000' }), 400, 'invalidValue');
  });

  it('answers ids that are not ids with 404 and NUL in a query with 400, without a command', async () => {
    expectScimError(await attacker.delete('/Users/%00'), 404);
    expectScimError(await attacker.patch('/Groups/%00', patchOp({ op: 'replace', path: 'displayName', value: 'x' })), 404);
    expectScimError(await attacker.get('/Users/not-a-uuid'), 404);
    expectScimError(await attacker.get(`/Users?filter=${encodeURIComponent('userName eq "a\u0000"')}`), 400, 'invalidFilter');
  });

  it('answers 3,000 nested parentheses, an 8,000-term PATCH path and JSON nested 5,000 deep with 400', async () => {
    expectScimError(await attacker.post('/Users/.search', { filter: `${'('.repeat(3000)}userName eq "a"${')'.repeat(3000)}` }), 400, 'invalidFilter');
    const group = await attacker.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: `g-${randomUUID()}` });
    expect(group.status).toBe(201);
    const path = `members[${Array.from({ length: 8000 }, () => `value eq "${randomUUID()}"`).join(' or ')}]`;
    expectScimError(await attacker.patch(`/Groups/${group.body.id}`, patchOp({ op: 'remove', path })), 400, 'invalidPath');
    const deep = `${'{"a":'.repeat(5000)}"x"${'}'.repeat(5000)}`;
    const text = JSON.stringify({ ...entraUser(), name: 'DEEP' }).replace('"DEEP"', deep);
    expectScimError(await attacker.post('/Users', text), 400, 'invalidSyntax');
  });

  it('answers a dateTime Postgres would refuse with 400 invalidFilter', async () => {
    for (const value of ['2026-02-30T00:00:00Z', '0', '+275760-09-13T00:00:00.000Z']) {
      expectScimError(await attacker.get(`/Users?filter=${encodeURIComponent(`meta.created gt "${value}"`)}`), 400, 'invalidFilter');
    }
  });

  it('answers a group PATCH of 10,001 members, and of 2,000 unknown ones, with 400', async () => {
    const group = await attacker.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: `g-${randomUUID()}` });
    const members = (n: number) => Array.from({ length: n }, () => ({ value: randomUUID() }));
    expectScimError(await attacker.patch(`/Groups/${group.body.id}`, patchOp({ op: 'add', path: 'members', value: members(10_001) })), 400, 'invalidValue');
    // Under the limit: the group service asks the user-service in slices and answers 400, not a retried failure.
    expectScimError(await attacker.patch(`/Groups/${group.body.id}`, patchOp({ op: 'add', path: 'members', value: members(2000) })), 400, 'invalidValue');
  });

  it('keeps a second tenant writing while the first sends 25 NUL writes at once', async () => {
    const poison = Array.from({ length: 25 }, () => attacker.post('/Users', { ...entraUser(), displayName: 'x\u0000y' }));
    const writes = Array.from({ length: 10 }, () => neighbour.post('/Users', entraUser()));
    const [poisoned, written] = await Promise.all([Promise.all(poison), Promise.all(writes)]);
    for (const res of poisoned) expectScimError(res, 400, 'invalidValue');
    expect(written.map((r) => r.status)).toEqual(Array(10).fill(201));
  });
});

describe('a bad command that still reaches a service', () => {
  it('is answered 400 at once by the user-service and the group service, not retried nor dead-lettered', async () => {
    const replyTo = `hostile-${randomUUID()}`;
    const send = async (topic: string, type: string, payload: Record<string, unknown>) => {
      const commandId = randomUUID();
      await produce(stack.kafka, stack.prefix + topic, [
        {
          key: attacker.id,
          value: { commandId, type, tenantId: attacker.id, issuedAt: new Date().toISOString(), payload },
          headers: { [Headers.replyTo]: replyTo, [Headers.messageId]: commandId, [Headers.tenantId]: attacker.id },
        },
      ]);
      return commandId;
    };
    const profile = { extensions: [], mutabilityOverrides: {}, unknownAttributes: 'ignore' };
    const userCommand = await send(Topics.userCommands, 'user.create', {
      profile,
      resource: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `u-${randomUUID()}`, displayName: 'x\u0000y' },
    });
    const groupCommand = await send(Topics.groupCommands, 'group.create', { scope: { managedOnly: false }, resource: { schemas: [GROUP_SCHEMA], displayName: 'g\u0000' } });
    const replyOf = (commandId: string) => replies.json<{ commandId: string; status: number }>().find((r) => r.commandId === commandId);
    const deadline = Date.now() + 60_000;
    while ((!replyOf(userCommand) || !replyOf(groupCommand)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(replyOf(userCommand)?.status).toBe(400);
    expect(replyOf(groupCommand)?.status).toBe(400);
  });
});

describe('afterwards', () => {
  it('dead-lettered none of the above', async () => {
    await Promise.all(deadLetters.map((c) => c.settle(2000)));
    expect(deadLetters.flatMap((c) => c.records)).toEqual([]);
  });
});

describe('the inside of the platform', () => {
  it('answers the internal query APIs only with the service credential', async () => {
    const users = stack.processes.get('user-service')!.url;
    const groups = stack.processes.get('group-membership-service')!.url;
    const query = (base: string, path: string, authorization?: string) =>
      fetch(`${base}/internal/v1/tenants/${neighbour.id}/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: JSON.stringify({ profile: { extensions: [], mutabilityOverrides: {}, unknownAttributes: 'ignore' } }),
      });
    for (const [base, path] of [
      [users, 'users/query'],
      [groups, 'groups/query'],
    ] as const) {
      expect((await query(base, path)).status).toBe(401);
      expect((await query(base, path, `Bearer ${'x'.repeat(43)}`)).status).toBe(401);
      // Past authentication (the body's own checks may still refuse this minimal query).
      expect((await query(base, path, `Bearer ${PROCESS_INTERNAL_API_TOKEN}`)).status).not.toBe(401);
    }
    expect((await fetch(`${stack.gatewayUrl}/metrics`)).status).toBe(401);
  });
});

describe('no secret at rest', () => {
  it('puts no password on Kafka, in commands or request records, however a client writes it', async () => {
    const secrets = Array.from({ length: 7 }, (_, i) => `secret-${i}-${randomUUID()}`);
    const created = await neighbour.post('/Users', { ...entraUser(), password: secrets[0] });
    expect(created.status).toBe(201);
    expect(created.body.password).toBeUndefined();
    const id = created.body.id as string;
    expect((await neighbour.put(`/Users/${id}`, { ...entraUser(), userName: created.body.userName, password: secrets[1] })).status).toBe(200);
    const patched = await neighbour.patch(
      `/Users/${id}`,
      patchOp(
        { op: 'replace', path: 'password', value: secrets[2] },
        { op: 'Replace', value: { password: secrets[3], displayName: 'Changed with a password' } },
        { op: 'add', path: 'urn:ietf:params:scim:schemas:core:2.0:User:password', value: secrets[4] },
      ),
    );
    expect(patched.status).toBe(200);
    expect(patched.body.displayName).toBe('Changed with a password');
    // A PATCH of the password alone changes nothing the platform keeps: 200 with the same version.
    const alone = await neighbour.patch(`/Users/${id}`, patchOp({ op: 'replace', path: 'password', value: secrets[5] }));
    expect(alone.status).toBe(200);
    expect(alone.body.meta).toEqual(patched.body.meta);
    // A value filter on the (simple) password cannot be applied, and its text is the secret.
    expectScimError(await neighbour.patch(`/Users/${id}`, patchOp({ op: 'replace', path: `password[value eq "${secrets[6]}"]`, value: 'x' })), 400, 'invalidPath');

    // The replace and both patches were decided, so their commands are on the topic; wait until read.
    await eventually(() => commands.json<{ payload?: { id?: string } }>().filter((c) => c.payload?.id === id).length >= 3);
    await eventually(() => requestRecords.json<{ tenantId: string }>().filter((r) => r.tenantId === neighbour.id && (r as { path?: string }).path?.includes(id)).length >= 4);
    const onKafka = [...commands.records, ...requestRecords.records].map((r) => `${r.value ?? ''}`).join('\n');
    for (const secret of secrets) expect(onKafka).not.toContain(secret);
    expect(onKafka).toContain('Changed with a password');
  });
});

async function eventually(check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
