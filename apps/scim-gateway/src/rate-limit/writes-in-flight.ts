/**
 * Counts writes in flight per tenant and refuses one more than the limit. The holder of a slot
 * gets a release function; calling it again does nothing, so every path that ends a request can
 * call it without double-counting.
 */
export class WritesInFlightLimiter {
  private readonly counts = new Map<string, number>();

  tryAcquire(key: string, limit: number): (() => void) | undefined {
    const current = this.counts.get(key) ?? 0;
    if (current >= limit) return undefined;
    this.counts.set(key, current + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const remaining = (this.counts.get(key) ?? 1) - 1;
      if (remaining <= 0) this.counts.delete(key);
      else this.counts.set(key, remaining);
    };
  }

  inFlight(key: string): number {
    return this.counts.get(key) ?? 0;
  }
}
