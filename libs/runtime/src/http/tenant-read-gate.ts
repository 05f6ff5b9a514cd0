import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { correlationOfRequest } from '@app/observability';
import { Observable } from 'rxjs';
import { ReadCancelledError, withReadSignal } from '@app/persistence';
import { ScimError } from '@app/scim';
import { SERVICE_CONFIG } from '../tokens';

/** What the read gate reads from the service's configuration (ServiceBaseConfig). */
export interface TenantReadGateConfig {
  INTERNAL_QUERY_TENANT_CONCURRENCY?: number;
  INTERNAL_QUERY_QUEUE_MS?: number;
}

/** Reads of one tenant that may wait for a slot at once; more are refused at once. */
const MAX_WAITING_PER_TENANT = 200;

/**
 * Slots per key with a FIFO queue in front: `acquire` resolves with a release function once one
 * of the key's `limit` slots is free, or rejects when it waited `maxWaitMs`, when `maxWaiting`
 * already wait, or when its signal aborts (the caller is gone; it never takes a slot).
 */
export class KeyedSlots {
  private readonly keys = new Map<string, { running: number; waiting: Array<{ grant: () => void }> }>();

  constructor(
    private readonly limit: number,
    private readonly maxWaitMs: number,
    private readonly maxWaiting = MAX_WAITING_PER_TENANT,
  ) {}

  acquire(key: string, signal?: AbortSignal): Promise<() => void> {
    const state = this.keys.get(key) ?? { running: 0, waiting: [] };
    this.keys.set(key, state);
    const release = this.releaser(key, state);
    if (state.running < this.limit) {
      state.running++;
      return Promise.resolve(release);
    }
    if (state.waiting.length >= this.maxWaiting) return Promise.reject(new SlotRefusedError('queue'));
    return new Promise((resolve, reject) => {
      const entry = {
        grant: () => {
          cleanup();
          state.running++;
          resolve(release);
        },
      };
      const leave = (reason: 'timeout' | 'gone') => {
        cleanup();
        const at = state.waiting.indexOf(entry);
        if (at >= 0) state.waiting.splice(at, 1);
        this.forget(key, state);
        reject(new SlotRefusedError(reason));
      };
      const timer = setTimeout(() => leave('timeout'), this.maxWaitMs);
      const onAbort = () => leave('gone');
      const cleanup = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      state.waiting.push(entry);
    });
  }

  /** Reads of the key running now, and waiting. */
  load(key: string): { running: number; waiting: number } {
    const state = this.keys.get(key);
    return { running: state?.running ?? 0, waiting: state?.waiting.length ?? 0 };
  }

  private releaser(key: string, state: { running: number; waiting: Array<{ grant: () => void }> }): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      state.running--;
      const next = state.waiting.shift();
      if (next) next.grant();
      else this.forget(key, state);
    };
  }

  private forget(key: string, state: { running: number; waiting: unknown[] }): void {
    if (state.running === 0 && state.waiting.length === 0 && this.keys.get(key) === state) this.keys.delete(key);
  }
}

export class SlotRefusedError extends Error {
  constructor(readonly reason: 'queue' | 'timeout' | 'gone') {
    super(`no read slot: ${reason}`);
  }
}

/**
 * Per-tenant concurrency on an internal query API (docs/security.md): at most
 * INTERNAL_QUERY_TENANT_CONCURRENCY reads of one tenant run at once in this process, the rest wait
 * in line for up to INTERNAL_QUERY_QUEUE_MS and are then answered 503 (the gateway's 503 +
 * Retry-After), so one tenant's expensive filters cannot take the whole connection pool from the
 * others. A read whose caller hung up is dropped from the line, or its running statement is
 * cancelled (snapshotRead), at once.
 */
@Injectable()
export class TenantReadGate implements NestInterceptor {
  private readonly slots: KeyedSlots;
  private readonly concurrency: number;
  private readonly queueMs: number;

  constructor(@Inject(SERVICE_CONFIG) config: TenantReadGateConfig) {
    this.concurrency = config.INTERNAL_QUERY_TENANT_CONCURRENCY ?? 8;
    this.queueMs = config.INTERNAL_QUERY_QUEUE_MS ?? 2000;
    this.slots = new KeyedSlots(this.concurrency, this.queueMs);
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest<{ Params: { tenantId?: string } }>>();
    const tenantId = request.params?.tenantId ?? '';
    // Aborted when the caller hangs up (correlateHttpRequests, installed by the bootstrap).
    const callerGone = correlationOfRequest(request)?.clientGone ?? new AbortController().signal;
    return new Observable((subscriber) => {
      let release: (() => void) | undefined;
      let inner: { unsubscribe(): void } | undefined;
      this.slots.acquire(tenantId, callerGone).then(
        (granted) => {
          release = granted;
          if (subscriber.closed) return release();
          inner = withReadSignal(callerGone, () =>
            next.handle().subscribe({
              next: (value) => subscriber.next(value),
              error: (error: unknown) => {
                release?.();
                subscriber.error(error instanceof ReadCancelledError ? new ScimError(503, undefined, 'The read was cancelled: its caller is gone') : error);
              },
              complete: () => {
                release?.();
                subscriber.complete();
              },
            }),
          );
        },
        (error: unknown) => {
          const reason = error instanceof SlotRefusedError ? error.reason : 'queue';
          subscriber.error(
            new ScimError(
              503,
              undefined,
              reason === 'gone'
                ? 'The read was cancelled: its caller is gone'
                : `Too many reads of this tenant at once (at most ${this.concurrency} run, the rest wait up to ${this.queueMs} ms)`,
            ),
          );
        },
      );
      return () => {
        inner?.unsubscribe();
        release?.();
      };
    });
  }
}
