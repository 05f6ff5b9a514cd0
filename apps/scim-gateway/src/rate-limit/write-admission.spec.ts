import { WriteAdmission } from './write-admission';

describe('WriteAdmission (adaptive limit on writes in flight)', () => {
  let now = 0;
  const admission = (initialLimit = 10) => new WriteAdmission({ initialLimit, minLimit: 2, maxLimit: 50, targetMs: 100, cooldownMs: 100, now: () => now });
  /** Holds `n` slots, then ends them all after `latencyMs`. */
  const round = (a: WriteAdmission, n: number, latencyMs: number, decided = true) => {
    const slots = Array.from({ length: n }, () => a.tryAcquire());
    now += latencyMs;
    for (const s of slots) s?.(decided);
    return slots.filter(Boolean).length;
  };
  beforeEach(() => (now = 0));

  it('sheds writes past the limit, and admits again as slots free', () => {
    const a = admission(3);
    const held = [a.tryAcquire(), a.tryAcquire(), a.tryAcquire()];
    expect(a.tryAcquire()).toBeUndefined();
    expect(a.state.inFlight).toBe(3);
    held[0]!(true);
    held[0]!(true); // ending twice frees one slot only
    expect(a.state.inFlight).toBe(2);
    expect(a.tryAcquire()).toBeDefined();
  });

  it('grows while writes come back within the target latency and the limit is what holds them back', () => {
    const a = admission(10);
    for (let i = 0; i < 50; i++) round(a, 10, 20);
    expect(a.state.limit).toBeGreaterThan(10);
    expect(a.state.baselineMs).toBe(20);
  });

  it('does not grow while the limit is not binding', () => {
    const a = admission(10);
    for (let i = 0; i < 50; i++) round(a, 2, 20);
    expect(a.state.limit).toBe(10);
  });

  it('shrinks by 10 % when writes come back slower than the target, at most once per cooldown', () => {
    const a = admission(20);
    round(a, 20, 20); // baseline 20 ms
    const before = a.state.limit;
    round(a, 10, 200); // ten slow writes in one round: one decrease
    expect(a.state.limit).toBe(Math.floor(before * 0.9));
    now += 100;
    round(a, 1, 200);
    expect(a.state.limit).toBe(Math.floor(before * 0.9 * 0.9));
  });

  it('counts a write that got no decision in time as slow, and never goes below the minimum', () => {
    const a = admission(3);
    for (let i = 0; i < 20; i++) {
      now += 200;
      round(a, 1, 5, false);
    }
    expect(a.state.limit).toBe(2);
  });
});
