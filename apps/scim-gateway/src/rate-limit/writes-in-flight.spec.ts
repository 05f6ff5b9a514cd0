import { WritesInFlightLimiter } from './writes-in-flight';

describe('WritesInFlightLimiter', () => {
  it('admits up to the limit per tenant and frees a slot on release', () => {
    const limiter = new WritesInFlightLimiter();
    const first = limiter.tryAcquire('a', 2);
    const second = limiter.tryAcquire('a', 2);
    expect(first && second).toBeTruthy();
    expect(limiter.tryAcquire('a', 2)).toBeUndefined();
    expect(limiter.tryAcquire('b', 2)).toBeDefined();
    first!();
    expect(limiter.inFlight('a')).toBe(1);
    expect(limiter.tryAcquire('a', 2)).toBeDefined();
  });

  it('counts a release only once, however many paths call it', () => {
    const limiter = new WritesInFlightLimiter();
    const release = limiter.tryAcquire('a', 1)!;
    const other = limiter.tryAcquire('b', 1)!;
    release();
    release();
    expect(limiter.inFlight('a')).toBe(0);
    expect(limiter.inFlight('b')).toBe(1);
    other();
    expect(limiter.inFlight('b')).toBe(0);
  });
});
