import type { CommandReply, UserEvent } from '@app/contracts';
import { CommandRecord, commands, UserServiceHarness } from './support/user-service-harness';

/**
 * A user-service SIGKILLed in the middle of a burst of creates, twice, loses nothing and
 * duplicates nothing: after the last restart every command has exactly one user, one created
 * event and a reply naming that user (a re-sent reply is the same reply).
 */
const COMMANDS = 3000;
const TENANTS = 8;

let h: UserServiceHarness;

beforeAll(async () => {
  h = await UserServiceHarness.create('usercrash');
});

afterAll(async () => {
  await h?.stop();
});

/** Kills the next process once this many replies arrived: replies follow the consumer closely, events lag behind the relay. */
async function killWhenRepliesReach(count: number): Promise<number> {
  const doomed = await h.start();
  const deadline = Date.now() + 60000;
  while (h.replies.records.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
  expect(await doomed.kill('SIGKILL')).toBeNull();
  return h.replies.records.length;
}

it('applies every create exactly once across SIGKILLs mid-burst', async () => {
  const burst: CommandRecord[] = Array.from({ length: COMMANDS }, (_, i) => commands.create(`crash-tenant-${i % TENANTS}`, { userName: `user-${i}@crash.example` }));

  // A backlog keeps the consumer busy from its first fetch; the rest arrives while it works.
  // It is killed twice while batches are in flight.
  const backlog = (COMMANDS * 2) / 3;
  for (let i = 0; i < backlog; i += 500) await h.send(burst.slice(i, Math.min(i + 500, backlog)));
  // The last 100 commands wait for the second kill, so it always lands mid-burst however fast
  // the service works through the rest.
  const lastHeldBack = burst.length - 100;
  let secondKillDone!: () => void;
  const afterSecondKill = new Promise<void>((resolve) => (secondKillDone = resolve));
  const producing = (async () => {
    for (let sent = backlog; sent < lastHeldBack; sent += 100) {
      await h.send(burst.slice(sent, Math.min(sent + 100, lastHeldBack)));
      await new Promise((r) => setTimeout(r, 20));
    }
    await afterSecondKill;
    await h.send(burst.slice(lastHeldBack));
  })();
  const atFirstKill = await killWhenRepliesReach(COMMANDS / 4);
  const atSecondKill = await killWhenRepliesReach(COMMANDS / 2);
  const decidedAtSecondKill = new Set(h.replies.json<CommandReply>().map((r) => r.commandId)).size;
  secondKillDone();
  expect(atFirstKill).toBeGreaterThan(0);
  expect(decidedAtSecondKill).toBeLessThan(COMMANDS); // really mid-burst
  await producing;

  await h.start();
  await h.events.waitFor(COMMANDS, 120000);
  await h.repliesTo(burst, 60000);
  await h.events.settle(3000);

  const events = h.userEvents();
  expect(events).toHaveLength(COMMANDS);
  expect(events.every((e) => e.type === 'scim.user.created')).toBe(true);
  expect(new Set(events.map((e) => e.id)).size).toBe(COMMANDS);
  const eventByUserName = new Map<string, UserEvent>(events.map((e) => [`${e.tenantid}/${String(e.data.resource.userName)}`, e]));
  expect(eventByUserName.size).toBe(COMMANDS);

  // Every command: a 201 naming the user its event announced; duplicates of a reply are identical.
  const replies = h.replies.json<CommandReply>();
  const redelivered = h.processes
    .flatMap((p) => p.logLines())
    .filter((l) => l.message === 'redelivered commands answered from stored replies')
    .reduce((n, l) => n + Number(l.count), 0);
  process.stderr.write(
    `\ncrash test: killed after ${atFirstKill} and ${atSecondKill} replies; ${redelivered} redelivered commands answered from stored replies; ` +
      `${replies.length - COMMANDS} replies sent twice\n`,
  );
  for (const command of burst) {
    const mine = replies.filter((r) => r.commandId === command.value.commandId);
    expect(mine.length).toBeGreaterThanOrEqual(1);
    for (const r of mine) expect(r).toEqual(mine[0]);
    expect(mine[0].status).toBe(201);
    const payload = command.value.payload;
    const userName = 'resource' in payload ? String(payload.resource.userName) : undefined;
    expect(eventByUserName.get(`${command.key}/${userName}`)?.subject).toBe(mine[0].body!.id);
  }

  const [{ n }] = await h.sql<{ n: number }>('SELECT count(*)::int AS n FROM users');
  expect(n).toBe(COMMANDS);
  const [{ pending }] = await h.sql<{ pending: number }>('SELECT count(*)::int AS pending FROM outbox WHERE published_at IS NULL');
  expect(pending).toBe(0);
});
