import { TokenBucketLimiter } from './token-bucket';

type Step = [atMs: number, expected: 'ok' | number];

/** Each step: a request at a time (fake clock) and whether it passes or its Retry-After. */
const scenarios: Array<[string, { requestsPerSecond: number; burst: number }, Step[]]> = [
  [
    'Fuze: 10/s with burst 10 lets 10 through, refuses the 11th',
    { requestsPerSecond: 10, burst: 10 },
    [
      ...Array.from({ length: 10 }, (): Step => [0, 'ok']),
      [0, 1],
      [50, 1], // half a token back
      [100, 'ok'], // one whole token back after 100 ms
      [100, 1],
    ],
  ],
  [
    'a bucket refills only up to its burst',
    { requestsPerSecond: 1, burst: 2 },
    [
      [0, 'ok'],
      [0, 'ok'],
      [0, 1],
      [60_000, 'ok'],
      [60_000, 'ok'],
      [60_000, 1],
    ],
  ],
  [
    'Retry-After rounds up to whole seconds',
    { requestsPerSecond: 1, burst: 1 },
    [
      [0, 'ok'],
      [0, 1],
      [999, 1],
      [1000, 'ok'],
    ],
  ],
  ['the default is generous', { requestsPerSecond: 1000, burst: 2000 }, [...Array.from({ length: 2000 }, (): Step => [0, 'ok']), [0, 1], [1, 'ok']]],
];

describe('TokenBucketLimiter', () => {
  it.each(scenarios)('%s', (_name, limit, steps) => {
    let now = 0;
    const limiter = new TokenBucketLimiter(() => now);
    steps.forEach(([at, expected], index) => {
      now = at;
      const admission = limiter.take('tenant', limit);
      const got = admission.allowed ? 'ok' : admission.retryAfterSeconds;
      expect({ index, got }).toEqual({ index, got: expected });
    });
  });

  it('keeps one bucket per tenant', () => {
    const limiter = new TokenBucketLimiter(() => 0);
    const limit = { requestsPerSecond: 1, burst: 1 };
    expect(limiter.take('a', limit).allowed).toBe(true);
    expect(limiter.take('a', limit).allowed).toBe(false);
    expect(limiter.take('b', limit).allowed).toBe(true);
  });

  it('applies a smaller burst from a changed profile at once', () => {
    let now = 0;
    const limiter = new TokenBucketLimiter(() => now);
    limiter.take('a', { requestsPerSecond: 100, burst: 100 });
    now = 10;
    expect(limiter.take('a', { requestsPerSecond: 1, burst: 1 }).allowed).toBe(true);
    expect(limiter.take('a', { requestsPerSecond: 1, burst: 1 })).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });

  it('gives longer Retry-After for slow fractional rates', () => {
    let now = 0;
    const limiter = new TokenBucketLimiter(() => now);
    const limit = { requestsPerSecond: 0.25, burst: 1 };
    expect(limiter.take('a', limit).allowed).toBe(true);
    expect(limiter.take('a', limit)).toEqual({ allowed: false, retryAfterSeconds: 4 });
    now = 2500;
    expect(limiter.take('a', limit)).toEqual({ allowed: false, retryAfterSeconds: 2 });
  });
});
