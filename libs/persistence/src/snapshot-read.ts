import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource, EntityManager } from 'typeorm';

/**
 * The signal of the request a read serves: aborted when the caller is gone (its connection
 * closed before the answer). Set around a request's handler (the internal query APIs' TenantReadGate
 * in libs/runtime), read by snapshotRead, so no signal has to be passed through every layer.
 */
const readSignals = new AsyncLocalStorage<AbortSignal>();

export function withReadSignal<T>(signal: AbortSignal, fn: () => T): T {
  return readSignals.run(signal, fn);
}

/**
 * Runs `work` in a read-only REPEATABLE READ transaction (one snapshot, so a total and its page
 * agree) on a connection of its own. When the caller's request signal aborts meanwhile, the
 * statement running on that connection is cancelled at once (`pg_cancel_backend`), instead of
 * holding its connection until it ends or meets the statement timeout; the cancellation is
 * waited for before the connection goes back to the pool, so it can never hit a later user.
 */
export async function snapshotRead<T>(dataSource: DataSource, work: (manager: EntityManager) => Promise<T>): Promise<T> {
  const signal = readSignals.getStore();
  if (signal?.aborted) throw new ReadCancelledError();
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  const backendPid = (runner as unknown as { databaseConnection?: { processID?: number } }).databaseConnection?.processID;
  let cancelling: Promise<unknown> | undefined;
  const cancel = () => {
    if (backendPid !== undefined) cancelling = dataSource.query('SELECT pg_cancel_backend($1)', [backendPid]).catch(() => undefined);
  };
  signal?.addEventListener('abort', cancel, { once: true });
  try {
    await runner.startTransaction('REPEATABLE READ');
    await runner.query('SET TRANSACTION READ ONLY');
    const result = await work(runner.manager);
    await runner.commitTransaction();
    return result;
  } catch (error) {
    if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
    throw signal?.aborted ? new ReadCancelledError() : error;
  } finally {
    signal?.removeEventListener('abort', cancel);
    await cancelling;
    await runner.release();
  }
}

/** The caller of a read went away; nobody is waiting for its answer. */
export class ReadCancelledError extends Error {
  constructor() {
    super('the read was cancelled: its caller is gone');
    this.name = 'ReadCancelledError';
  }
}
