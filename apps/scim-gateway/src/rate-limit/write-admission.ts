/**
 * Admission control for writes across all tenants of a gateway instance: an adaptive limit on
 * writes in flight that keeps the pipeline (and the cores it shares with reads) out of
 * saturation. Past the limit a write is shed at once (429 + Retry-After) instead of queueing
 * where it would slow every read and every other write.
 *
 * The limit follows the write latency (request to decision), AIMD-style, as TCP congestion
 * control and Netflix's concurrency limiters do: while writes come back within `targetMs` and the
 * limit is what holds writes back, it grows by about one per round trip; when they come back
 * slower (or get no decision at all), it shrinks by 10 % (at most once per `cooldownMs`). The
 * target is an absolute latency, not a multiple of the no-load one: measured on two shared
 * cores, a relative target (2 × the no-load latency) shed most writes and cut throughput to a
 * third (docs/performance.md). A shed write was never sent, so it is never half-applied.
 */
export interface WriteAdmissionOptions {
  initialLimit: number;
  minLimit: number;
  maxLimit: number;
  /** Write latency (request to decision) the limit aims to keep writes under (ms). */
  targetMs: number;
  /** Shortest time between two decreases (ms): one slow round does not collapse the limit. */
  cooldownMs?: number;
  now?: () => number;
}

export interface AdmissionState {
  limit: number;
  inFlight: number;
  baselineMs: number;
}

export class WriteAdmission {
  private limitValue: number;
  private inFlightCount = 0;
  private baseline = Number.POSITIVE_INFINITY;
  private lastDecrease = 0;
  private readonly now: () => number;
  private readonly cooldownMs: number;

  constructor(private readonly options: WriteAdmissionOptions) {
    this.limitValue = Math.min(options.maxLimit, Math.max(options.minLimit, options.initialLimit));
    this.now = options.now ?? (() => performance.now());
    this.cooldownMs = options.cooldownMs ?? 250;
  }

  get state(): AdmissionState {
    return { limit: Math.floor(this.limitValue), inFlight: this.inFlightCount, baselineMs: Number.isFinite(this.baseline) ? this.baseline : 0 };
  }

  /**
   * A slot for one write, or undefined when the limit is reached. `done(decided)` ends it:
   * `decided` false (the write timed out waiting for its decision) counts as a slow round trip.
   */
  tryAcquire(): ((decided: boolean) => void) | undefined {
    if (this.inFlightCount >= Math.floor(this.limitValue)) return undefined;
    this.inFlightCount += 1;
    const started = this.now();
    let finished = false;
    return (decided: boolean) => {
      if (finished) return;
      finished = true;
      const inFlightAtEnd = this.inFlightCount;
      this.inFlightCount -= 1;
      this.sample(this.now() - started, decided, inFlightAtEnd);
    };
  }

  private sample(latencyMs: number, decided: boolean, inFlight: number): void {
    if (decided) {
      // The no-load latency, for the metrics: a minimum that drifts up slowly.
      this.baseline = latencyMs < this.baseline ? latencyMs : this.baseline + 0.001 * (latencyMs - this.baseline);
    }
    const slow = !decided || latencyMs > this.options.targetMs;
    if (slow) {
      const now = this.now();
      if (now - this.lastDecrease < this.cooldownMs) return;
      this.lastDecrease = now;
      this.limitValue = Math.max(this.options.minLimit, this.limitValue * 0.9);
    } else if (inFlight >= 0.8 * this.limitValue) {
      // Grow only while the limit is what holds writes back: about +1 per round trip of writes.
      this.limitValue = Math.min(this.options.maxLimit, this.limitValue + 1 / this.limitValue);
    }
  }
}
