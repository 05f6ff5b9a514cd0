import { everyMinuteAtMost, JsonLogger } from '@app/observability';
import { PeriodicTask } from './periodic-task';

describe('PeriodicTask', () => {
  it('measures at once on start, never twice at a time, and stop waits for the run under way', async () => {
    let runs = 0;
    let inFlight = 0;
    let maxInFlight = 0;
    const sampler = new PeriodicTask('thing', 5, async () => {
      runs += 1;
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 30));
      inFlight -= 1;
    });
    sampler.start();
    expect(runs).toBe(1); // the first measurement does not wait for the interval
    await new Promise((r) => setTimeout(r, 100));
    await sampler.stop();
    expect(inFlight).toBe(0);
    expect(maxInFlight).toBe(1);
    expect(runs).toBeGreaterThanOrEqual(2);
    const after = runs;
    await new Promise((r) => setTimeout(r, 50));
    expect(runs).toBe(after);
  });

  it('logs a failed run as "<name> failed", does not reject, and keeps running', async () => {
    const lines: string[] = [];
    let runs = 0;
    const sampler = new PeriodicTask(
      'measuring outbox backlog',
      60_000,
      async () => {
        runs += 1;
        throw new Error('database gone');
      },
      new JsonLogger('s', 'info', (l) => lines.push(l)).child('outbox-relay'),
    );
    await expect(sampler.runOnce()).resolves.toBeUndefined();
    await sampler.runOnce();
    expect(runs).toBe(2);
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      expect.objectContaining({ level: 'warn', message: 'measuring outbox backlog failed', error: expect.objectContaining({ message: 'database gone' }) }),
    ]);
  });
});

describe('everyMinuteAtMost', () => {
  it('passes the first call and then one a minute', () => {
    let now = 1_000_000;
    const seen: number[] = [];
    const report = everyMinuteAtMost(
      (n: number) => seen.push(n),
      () => now,
    );
    report(1);
    now += 59_999;
    report(2);
    now += 1;
    report(3);
    report(4);
    expect(seen).toEqual([1, 3]);
  });
});
