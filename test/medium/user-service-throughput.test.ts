import { CommandRecord, commands, UserServiceHarness } from './support/user-service-harness';

/**
 * Creates per second through the whole path (Kafka → decide → Postgres + outbox → replies),
 * with the broker, Postgres, the service and this test sharing the machine. The backlog is
 * produced before the service starts, so the figure is its steady-state rate.
 */
const COMMANDS = Number(process.env.USER_SERVICE_BENCH_COMMANDS ?? 20000);
const TENANTS = 50;
/** A floor that catches a collapse (e.g. per-command transactions); the target is 2,000/s. */
const MIN_PER_SECOND = Number(process.env.USER_SERVICE_BENCH_MIN_RATE ?? 500);

let h: UserServiceHarness;

beforeAll(async () => {
  h = await UserServiceHarness.create('userbench');
});

afterAll(async () => {
  await h?.stop();
});

it(`decides ${COMMANDS} creates at a sustained rate`, async () => {
  const backlog: CommandRecord[] = Array.from({ length: COMMANDS }, (_, i) =>
    commands.create(`bench-tenant-${i % TENANTS}`, {
      userName: `user-${i}@bench.example`,
      externalId: `ext-${i}`,
      name: { givenName: 'Given', familyName: `Family${i}` },
      displayName: `User ${i}`,
      active: true,
      emails: [{ value: `user-${i}@bench.example`, type: 'work', primary: true }],
    }),
  );
  for (let i = 0; i < backlog.length; i += 2000) await h.send(backlog.slice(i, i + 2000));

  await h.start();
  // Replies are at-least-once (a rebalance re-sends stored ones), so count distinct commands;
  // records are parsed once each as they arrive to keep this loop off the service's CPU.
  const statusById = new Map<string, number>();
  let parsed = 0;
  let first = 0;
  const deadline = Date.now() + 300000;
  while (statusById.size < COMMANDS && Date.now() < deadline) {
    for (; parsed < h.replies.records.length; parsed++) {
      const reply = JSON.parse(h.replies.records[parsed].value!) as { commandId: string; status: number };
      if (!statusById.has(reply.commandId)) statusById.set(reply.commandId, reply.status);
    }
    if (first === 0 && parsed > 0) first = Date.now();
    await new Promise((r) => setTimeout(r, 20));
  }
  const done = Date.now();
  expect(statusById.size).toBe(COMMANDS);
  const seconds = (done - first) / 1000;
  const rate = Math.round(COMMANDS / seconds);
  await h.events.waitFor(COMMANDS, 120000);
  const eventsDone = Date.now();
  process.stderr.write(
    `\nuser-service: ${COMMANDS} creates replied in ${seconds.toFixed(1)} s = ${rate}/s; ` +
      `all events published ${((eventsDone - first) / 1000).toFixed(1)} s after the first reply; ` +
      `${h.replies.records.length - COMMANDS} replies re-sent\n`,
  );
  expect([...statusById.values()].filter((status) => status !== 201)).toEqual([]);
  await h.events.settle(1000);
  expect(h.events.records.length).toBe(COMMANDS);
  expect(rate).toBeGreaterThanOrEqual(MIN_PER_SECOND);
});
