import { WriteAdmission, type WriteAdmissionOptions } from './write-admission';

describe('WriteAdmission (adaptive limit on writes in flight)', () => {
  let now = 0;
  const admission = (initialLimit = 10, more: Partial<WriteAdmissionOptions> = {}) =>
    new WriteAdmission({ initialLimit, minLimit: 2, maxLimit: 50, targetMs: 100, windowMs: 100, minSamples: 4, now: () => now, ...more });
  /** Holds `n` slots, then ends them all after `latencyMs`: one window's worth of writes when n ≥ minSamples. */
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
    for (let i = 0; i < 20; i++) round(a, 12, 50);
    expect(a.state.limit).toBeGreaterThan(10);
    expect(a.state.baselineMs).toBe(50);
  });

  it('does not grow while the limit is not binding', () => {
    const a = admission(10);
    for (let i = 0; i < 20; i++) round(a, 5, 50);
    expect(a.state.limit).toBe(10);
  });

  it('shrinks by 10 % when more than a tenth of a window came back slower than the target', () => {
    const a = admission(20);
    const before = a.state.limit;
    // The window closes with its first write after windowMs: 9 writes, 1 slow (11 % > 10 %): one decrease.
    const fast = Array.from({ length: 8 }, () => a.tryAcquire()!);
    const slow = [a.tryAcquire()!, a.tryAcquire()!];
    now += 30;
    fast.forEach((s) => s(true));
    now += 150;
    slow.forEach((s) => s(true));
    expect(a.state.limit).toBe(Math.floor(before * 0.9));
  });

  it('keeps the limit when a single write of a window is slow (a GC pause does not collapse it)', () => {
    const a = admission(20);
    const slots = Array.from({ length: 20 }, () => a.tryAcquire()!);
    now += 30;
    slots.slice(0, 19).forEach((s) => s(true));
    now += 500;
    slots[19](true);
    expect(a.state.limit).toBe(20);
  });

  it('counts a write that got no decision in time as slow, and never goes below the minimum', () => {
    const a = admission(3, { minSamples: 1 });
    for (let i = 0; i < 20; i++) {
      now += 200;
      round(a, 1, 5, false);
    }
    expect(a.state.limit).toBe(2);
  });

  describe('the bounded queue in front of the limit', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    it('hands a freed slot to the write waiting longest', async () => {
      const a = admission(2, { maxQueue: 5, maxWaitMs: 1000 });
      const held = [a.acquire(), a.acquire()] as Array<(d: boolean) => void>;
      const first = a.acquire() as Promise<unknown>;
      const second = a.acquire() as Promise<unknown>;
      expect(first).toBeInstanceOf(Promise);
      expect(a.state.queued).toBe(2);
      const order: string[] = [];
      void first.then((s) => order.push(s ? 'first' : 'first shed'));
      void second.then((s) => order.push(s ? 'second' : 'second shed'));
      held[0](true);
      await Promise.resolve();
      expect(order).toEqual(['first']);
      expect(a.state).toMatchObject({ inFlight: 2, queued: 1 });
      held[1](true);
      await Promise.resolve();
      expect(order).toEqual(['first', 'second']);
    });

    it('sheds a write that waited too long, one that finds the queue full, and forgets one whose client left', async () => {
      const a = admission(1, { minLimit: 1, maxQueue: 2, maxWaitMs: 1000 });
      const held = a.acquire() as (d: boolean) => void;
      let cancel: () => void = () => undefined;
      const abandoned = a.acquire((c) => (cancel = c)) as Promise<unknown>;
      const waiting = a.acquire() as Promise<unknown>;
      expect(a.acquire()).toBeUndefined(); // the queue is full
      cancel();
      await expect(abandoned).resolves.toBeUndefined();
      expect(a.state.queued).toBe(1);
      jest.advanceTimersByTime(1000);
      await expect(waiting).resolves.toBeUndefined();
      expect(a.state).toMatchObject({ inFlight: 1, queued: 0 });
      held(true);
      expect(a.state.inFlight).toBe(0);
    });

    it('does not queue when no queue is configured', () => {
      const a = admission(1, { minLimit: 1 });
      expect(a.acquire()).toBeDefined();
      expect(a.acquire()).toBeUndefined();
    });
  });
});
