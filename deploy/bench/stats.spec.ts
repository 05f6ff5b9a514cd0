import { runPool, Samples } from './stats';

describe('bench statistics', () => {
  it('computes nearest-rank percentiles and the maximum', () => {
    const s = new Samples();
    for (let i = 1; i <= 100; i++) s.add(i);
    expect(s.summary()).toEqual({ count: 100, p50: 50, p99: 99, max: 100 });
    const one = new Samples();
    one.add(7);
    expect(one.summary()).toEqual({ count: 1, p50: 7, p99: 7, max: 7 });
  });

  it('runs every task once with bounded concurrency', async () => {
    let inFlight = 0;
    let peak = 0;
    const seen: number[] = [];
    await runPool(50, 4, async (i) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 1));
      seen.push(i);
      inFlight--;
    });
    expect(peak).toBe(4);
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});
