import type { RequestRecord } from '@app/contracts';
import type { ComponentLogger } from '@app/observability';
import { buildRequestRecord, shrinkObserved, type ObservedRequest, type RecordLimits } from './request-record-builder';

export interface RequestRecorderOptions {
  basePath: string;
  limits: RecordLimits;
  /** A batch is sent when this many records wait, or flushIntervalMs after the first of them. */
  batchSize: number;
  /** A batch also ends when its records' estimated size reaches this (Kafka refuses batches over 1 MiB). */
  maxBatchBytes: number;
  flushIntervalMs: number;
  /** Most records held while Kafka is slow or down; beyond it the oldest are dropped and counted. */
  bufferLimit: number;
  /** Most bytes (estimated) held; beyond it the oldest records are dropped and counted. */
  maxBufferBytes?: number;
  /** Sends one batch; rejects when Kafka did not take it. */
  send(records: RequestRecord[]): Promise<void>;
  /** Names the tenant of a record whose request failed before authentication (bad JSON, 415, 413). */
  resolveTenant?(bearerToken: string): Promise<{ tenantId: string; tokenId: string } | undefined>;
  logger: ComponentLogger;
  /** Told of every change of the totals (for metrics). */
  onCount?(outcome: 'recorded' | 'sent' | 'dropped', count: number, buffered: number): void;
}

/** An observed request, and the bearer token to name its tenant when authentication never ran. */
export interface PendingRecord {
  observed: ObservedRequest;
  bearerToken?: string;
  /** Built once; a batch sent again sends the same records. */
  built?: RequestRecord;
  bytes?: number;
}

/** Records built per turn of the event loop: building parses and redacts bodies. */
const BUILT_PER_TURN = 25;
const DEFAULT_MAX_BUFFER_BYTES = 64 * 1024 * 1024;

/**
 * Collects one record per answered SCIM request and sends them to Kafka in batches, off the
 * request path: `record` only pushes to a buffer, records are built (bodies parsed, redacted)
 * and sent by the flush loop, one batch in flight at a time. When Kafka is slow the buffer grows
 * up to `bufferLimit`, then the oldest records are dropped and counted: a slow audit pipeline
 * never slows or fails a SCIM answer. `close` sends everything still held.
 */
export class RequestRecorder {
  private buffer: PendingRecord[] = [];
  private bufferedBytes = 0;
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;
  private closed = false;
  private droppedSinceLog = 0;
  /** Totals since start, for metrics and tests. */
  readonly totals = { recorded: 0, sent: 0, dropped: 0, failedSends: 0 };

  constructor(private readonly options: RequestRecorderOptions) {}

  get pending(): number {
    return this.buffer.length;
  }

  record(entry: PendingRecord): void {
    entry.observed = shrinkObserved(entry.observed, this.options.basePath, this.options.limits);
    entry.bytes = estimatedBytes(entry.observed);
    this.bufferedBytes += entry.bytes;
    this.buffer.push(entry);
    this.count('recorded', 1);
    this.dropBeyondLimit();
    if (this.closed) return;
    if (this.buffer.length >= this.options.batchSize) this.flushSoon(0);
    else this.flushSoon(this.options.flushIntervalMs);
  }

  /** Sends everything held, retrying failed batches until `deadline` (epoch ms). */
  async close(deadline = Date.now() + 5_000): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.flushing;
    while (this.buffer.length > 0 && Date.now() < deadline) {
      const before = this.buffer.length;
      await this.flushOnce();
      if (this.buffer.length >= before) await new Promise((r) => setTimeout(r, 100));
    }
    if (this.buffer.length > 0) {
      const lost = this.buffer.length;
      this.buffer = [];
      this.bufferedBytes = 0;
      this.count('dropped', lost);
      this.options.logger.error('request records not sent before shutdown', { count: lost });
    }
  }

  /** The oldest records beyond the buffer limit are dropped (and counted). */
  private dropBeyondLimit(): void {
    const maxBytes = this.options.maxBufferBytes ?? DEFAULT_MAX_BUFFER_BYTES;
    let excess = Math.max(0, this.buffer.length - this.options.bufferLimit);
    let bytes = this.bufferedBytes;
    for (let i = 0; i < excess; i++) bytes -= this.buffer[i].bytes ?? 0;
    while (bytes > maxBytes && excess < this.buffer.length - 1) bytes -= this.buffer[excess++].bytes ?? 0;
    if (excess <= 0) return;
    this.take(excess);
    this.droppedSinceLog += excess;
    this.count('dropped', excess);
  }

  /** Removes the first n entries of the buffer, keeping the byte count. */
  private take(n: number): PendingRecord[] {
    const taken = this.buffer.splice(0, n);
    for (const entry of taken) this.bufferedBytes -= entry.bytes ?? 0;
    return taken;
  }

  private count(outcome: 'recorded' | 'sent' | 'dropped', n: number): void {
    this.totals[outcome] += n;
    this.options.onCount?.(outcome, n, this.buffer.length);
  }

  private flushSoon(delayMs: number): void {
    if (this.flushing) return; // the running flush picks up what arrived
    if (this.timer && delayMs > 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flushing = this.flushLoop().finally(() => {
        this.flushing = undefined;
        if (this.buffer.length > 0 && !this.closed) this.flushSoon(this.options.flushIntervalMs);
      });
    }, delayMs);
    this.timer.unref();
  }

  private async flushLoop(): Promise<void> {
    // Keep sending full batches while they are there; a partial one waits for the interval.
    do {
      const sent = await this.flushOnce();
      if (!sent) return;
    } while (this.buffer.length >= this.options.batchSize);
  }

  /** Sends one batch; true when it was taken. A failed batch goes back to the front of the buffer. */
  private async flushOnce(): Promise<boolean> {
    if (this.droppedSinceLog > 0) {
      this.options.logger.warn('request records dropped: the audit pipeline is behind', { dropped: this.droppedSinceLog, bufferLimit: this.options.bufferLimit });
      this.droppedSinceLog = 0;
    }
    const batch = this.take(this.batchLength());
    if (batch.length === 0) return false;
    try {
      const records: RequestRecord[] = [];
      for (let i = 0; i < batch.length; i++) {
        if (i > 0 && i % BUILT_PER_TURN === 0) await new Promise((r) => setImmediate(r));
        const record = await this.build(batch[i]);
        if (record) records.push(record);
      }
      if (records.length > 0) await this.options.send(records);
      this.count('sent', records.length);
      return true;
    } catch (err) {
      this.totals.failedSends++;
      this.buffer.unshift(...batch);
      for (const entry of batch) this.bufferedBytes += entry.bytes ?? 0;
      this.dropBeyondLimit();
      this.options.logger.warn('sending request records failed; they are kept and retried', { count: batch.length, error: err as Error });
      return false;
    }
  }

  /** How many records from the front of the buffer fit in one batch (at least one). */
  private batchLength(): number {
    const { batchSize, maxBatchBytes, limits } = this.options;
    let bytes = 0;
    let n = 0;
    for (const entry of this.buffer) {
      if (n >= batchSize) break;
      bytes += recordBytesOf(entry.observed, limits.bodyLimitBytes);
      if (n > 0 && bytes > maxBatchBytes) break;
      n++;
    }
    return n;
  }

  /** The record of an entry; undefined (logged, counted as dropped) if it cannot be built. */
  private async build(entry: PendingRecord): Promise<RequestRecord | undefined> {
    if (entry.built) return entry.built;
    if (entry.observed.tenantId === null && entry.bearerToken && this.options.resolveTenant) {
      const tenant = await this.options.resolveTenant(entry.bearerToken).catch(() => undefined);
      if (tenant) entry.observed = { ...entry.observed, tenantId: tenant.tenantId, tokenId: tenant.tokenId };
      entry.bearerToken = undefined;
    }
    try {
      entry.built = buildRequestRecord(entry.observed, this.options.basePath, this.options.limits);
    } catch (err) {
      // Whatever the bodies held, the request itself is recorded.
      this.options.logger.warn('a request record could not be built with its bodies; recorded without them', { path: entry.observed.url.split('?')[0], error: err as Error });
      try {
        entry.built = buildRequestRecord(
          { ...entry.observed, requestBody: undefined, responsePayload: undefined, responseBytes: undefined },
          this.options.basePath,
          this.options.limits,
        );
      } catch (again) {
        this.count('dropped', 1);
        this.options.logger.error('a request record could not be built', { path: entry.observed.url.split('?')[0], error: again as Error });
        return undefined;
      }
    }
    return entry.built;
  }
}

/** Size of the request body a waiting record holds (none when shrinkObserved cut it). */
function heldRequestBytes(observed: ObservedRequest): number {
  const body = observed.requestBody as { truncated?: boolean } | undefined;
  return typeof body === 'object' && body !== null && body.truncated === true ? 0 : observed.requestBytes;
}

/** What a waiting record weighs in memory: the bodies it holds (after shrinkObserved) and its fields. */
export function estimatedBytes(observed: ObservedRequest): number {
  return 800 + observed.url.length + heldRequestBytes(observed) + (observed.responsePayload?.length ?? 0) + 40 * (observed.bodyResourceIds?.length ?? 0);
}

/** An upper bound of its record's size on Kafka: bodies over the body limit become a preview of it. */
export function recordBytesOf(observed: ObservedRequest, bodyLimitBytes: number): number {
  const cap = bodyLimitBytes + 100;
  return (
    800 + observed.url.length + Math.min(heldRequestBytes(observed), cap) + Math.min(observed.responsePayload?.length ?? 0, cap) + 40 * (observed.bodyResourceIds?.length ?? 0)
  );
}
