/**
 * Admission control for writes across all tenants of a gateway instance: an adaptive limit on
 * writes in flight that keeps the pipeline (and the cores it shares with reads) out of
 * saturation. A write past the limit waits in a short, bounded queue at the gateway, where it
 * holds no broker, service or database resource; a write that cannot get a slot in time (or
 * finds the queue full) is shed with 429 + Retry-After. A shed write was never sent, so it is
 * never half-applied. Reads never pass through here.
 *
 * The limit follows the write latency (slot to decision) window by window, AIMD-style, as TCP
 * congestion control and Netflix's concurrency limiters do: at the end of each window (at least
 * `windowMs` and `minSamples` writes) it shrinks by 10 % when more than a tenth of the window's
 * writes came back slower than `targetMs` (or got no decision), and grows by 5 % (at least one)
 * when they came back in time and the limit is what held writes back. Judging a window, not each
 * write, keeps one slow write (a GC pause, a batch commit) from collapsing the limit: measured on
 * two shared cores, per-write decreases held the limit at its minimum and shed most of a burst
 * (docs/performance.md). The target is an absolute latency, not a multiple of the no-load one.
 */
export interface WriteAdmissionOptions {
  initialLimit: number;
  minLimit: number;
  maxLimit: number;
  /** Write latency (slot to decision) that at least 90 % of a window's writes should keep under (ms). */
  targetMs: number;
  /** Shortest window the limit is judged over (ms). */
  windowMs?: number;
  /** Fewest writes a window needs before it is judged. */
  minSamples?: number;
  /** Most writes waiting for a slot; past it a write is shed at once. 0: no queue. */
  maxQueue?: number;
  /** Longest a write waits for a slot before it is shed (ms). */
  maxWaitMs?: number;
  now?: () => number;
}

export interface AdmissionState {
  limit: number;
  inFlight: number;
  queued: number;
  baselineMs: number;
}

/** Ends a slot: `decided` false (no decision in time) counts as a slow write. */
export type AdmissionSlot = (decided: boolean) => void;

interface Waiter {
  grant(slot: AdmissionSlot | undefined): void;
  timer: NodeJS.Timeout;
}

/** A slow share of a window above this shrinks the limit (the window's p90 is over the target). */
const SLOW_SHARE = 0.1;

export class WriteAdmission {
  private limitValue: number;
  private inFlightCount = 0;
  private baseline = Number.POSITIVE_INFINITY;
  private readonly waiters: Waiter[] = [];
  private readonly now: () => number;
  private readonly windowMs: number;
  private readonly minSamples: number;
  private readonly maxQueue: number;
  private readonly maxWaitMs: number;
  private window = { start: 0, count: 0, slow: 0, limited: false };

  constructor(private readonly options: WriteAdmissionOptions) {
    this.limitValue = Math.min(options.maxLimit, Math.max(options.minLimit, options.initialLimit));
    this.now = options.now ?? (() => performance.now());
    this.windowMs = options.windowMs ?? 200;
    this.minSamples = options.minSamples ?? 16;
    this.maxQueue = options.maxQueue ?? 0;
    this.maxWaitMs = options.maxWaitMs ?? 0;
    this.window.start = this.now();
  }

  get state(): AdmissionState {
    return {
      limit: Math.floor(this.limitValue),
      inFlight: this.inFlightCount,
      queued: this.waiters.length,
      baselineMs: Number.isFinite(this.baseline) ? this.baseline : 0,
    };
  }

  /** A slot for one write at once, or undefined when the limit is reached (nothing queues). */
  tryAcquire(): AdmissionSlot | undefined {
    if (this.inFlightCount >= Math.floor(this.limitValue)) {
      this.window.limited = true;
      return undefined;
    }
    return this.slot();
  }

  /**
   * A slot for one write: at once while under the limit, else after waiting in the bounded queue
   * (first come, first served) for at most `maxWaitMs`; undefined when it is shed. `abandon`, when
   * it fires first (the client went away), takes the write out of the queue.
   */
  acquire(abandon?: (cancel: () => void) => void): AdmissionSlot | Promise<AdmissionSlot | undefined> | undefined {
    const now = this.tryAcquire();
    if (now || this.waiters.length >= this.maxQueue || this.maxWaitMs <= 0) return now;
    return new Promise<AdmissionSlot | undefined>((resolve) => {
      const waiter: Waiter = {
        grant: (slot) => {
          clearTimeout(waiter.timer);
          resolve(slot);
        },
        timer: setTimeout(() => this.leave(waiter), this.maxWaitMs),
      };
      this.waiters.push(waiter);
      abandon?.(() => this.leave(waiter));
    });
  }

  private leave(waiter: Waiter): void {
    const at = this.waiters.indexOf(waiter);
    if (at < 0) return;
    this.waiters.splice(at, 1);
    waiter.grant(undefined);
  }

  private slot(): AdmissionSlot {
    this.inFlightCount += 1;
    const started = this.now();
    let finished = false;
    return (decided: boolean) => {
      if (finished) return;
      finished = true;
      this.inFlightCount -= 1;
      this.sample(this.now() - started, decided);
      this.admitWaiting();
    };
  }

  /** Hands freed slots to the writes waiting longest. */
  private admitWaiting(): void {
    while (this.waiters.length > 0 && this.inFlightCount < Math.floor(this.limitValue)) {
      this.waiters.shift()!.grant(this.slot());
    }
    if (this.waiters.length > 0) this.window.limited = true;
  }

  private sample(latencyMs: number, decided: boolean): void {
    if (decided) {
      // The no-load latency, for the metrics: a minimum that drifts up slowly.
      this.baseline = latencyMs < this.baseline ? latencyMs : this.baseline + 0.001 * (latencyMs - this.baseline);
    }
    const w = this.window;
    w.count += 1;
    if (!decided || latencyMs > this.options.targetMs) w.slow += 1;
    const now = this.now();
    if (w.count < this.minSamples || now - w.start < this.windowMs) return;
    if (w.slow > SLOW_SHARE * w.count) {
      this.limitValue = Math.max(this.options.minLimit, this.limitValue * 0.9);
    } else if (w.limited) {
      this.limitValue = Math.min(this.options.maxLimit, this.limitValue + Math.max(1, this.limitValue * 0.05));
    }
    this.window = { start: now, count: 0, slow: 0, limited: this.waiters.length > 0 };
  }
}
