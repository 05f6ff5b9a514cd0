/** Sustained rate and burst of one token bucket. */
export interface BucketLimit {
  requestsPerSecond: number;
  burst: number;
}

export type Admission = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Token buckets keyed by tenant: each holds up to `burst` tokens and refills at
 * `requestsPerSecond`; a request takes one. The limit is passed on every call, so a profile
 * change applies to the next request (a smaller burst caps what the bucket holds).
 */
export class TokenBucketLimiter {
  private readonly buckets = new Map<string, { tokens: number; updatedAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  take(key: string, limit: BucketLimit): Admission {
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { tokens: limit.burst, updatedAt: now };
      this.buckets.set(key, bucket);
    } else {
      const elapsedSeconds = Math.max(0, now - bucket.updatedAt) / 1000;
      bucket.tokens = Math.min(limit.burst, bucket.tokens + elapsedSeconds * limit.requestsPerSecond);
      bucket.updatedAt = now;
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    // When the next whole token will be there, in whole seconds (Retry-After takes integers,
    // RFC 9110 §10.2.3), and never 0, which would invite an immediate retry.
    const secondsToNextToken = (1 - bucket.tokens) / limit.requestsPerSecond;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(secondsToNextToken - 1e-9)) };
  }
}
