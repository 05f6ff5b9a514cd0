import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** What travels with one unit of work: an HTTP request, or a Kafka message being handled. */
export interface CorrelationContext {
  correlationId: string;
  tenantId?: string;
  /** Unknown attributes the request carried and the tenant's profile ignored (for its audit record). */
  ignoredAttributes?: string[];
  /** Aborted when the client that sent the request is gone before its answer (its connection closed). */
  clientGone?: AbortSignal;
}

/** Notes unknown attributes ignored while handling the current request, for its audit record. */
export function noteIgnoredAttributes(attributes: readonly string[]): void {
  const context = storage.getStore();
  if (!context || attributes.length === 0) return;
  context.ignoredAttributes = [...new Set([...(context.ignoredAttributes ?? []), ...attributes])];
}

const storage = new AsyncLocalStorage<CorrelationContext>();

/** The HTTP header carrying a request's correlation id (Kafka records use Headers.correlationId of libs/contracts). */
export const CORRELATION_HEADER = 'x-correlation-id';

export function runWithCorrelation<T>(context: CorrelationContext, fn: () => T): T {
  return storage.run(context, fn);
}

export function currentCorrelation(): CorrelationContext | undefined {
  return storage.getStore();
}

export function newCorrelationId(): string {
  return randomUUID();
}
