/**
 * Failures that come from the data a command carries, not from the state of the platform:
 * retrying cannot fix them, so a service answers the command with a client error at once
 * instead of retrying it (which would hold its partition, and every tenant on it).
 * - Postgres class 22 (data exception: U+0000 in text or jsonb, a malformed uuid or timestamp,
 *   a value out of range) and class 54 (program limit exceeded: too many terms, too deep);
 * - RangeError from V8 (call stack exceeded on a too-deep structure, invalid string length).
 * Connection failures, serialization failures, deadlocks and timeouts are not among them.
 */
export function isDataError(error: unknown): boolean {
  if (error instanceof RangeError) return true;
  const code = sqlStateOf(error);
  return code !== undefined && (code.startsWith('22') || code.startsWith('54'));
}

/** The SQLSTATE of a pg error, whether raw or wrapped by TypeORM's QueryFailedError. */
export function sqlStateOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const own = (error as { code?: unknown }).code;
  if (typeof own === 'string' && /^[0-9A-Z]{5}$/.test(own)) return own;
  const driver = (error as { driverError?: { code?: unknown } }).driverError?.code;
  return typeof driver === 'string' && /^[0-9A-Z]{5}$/.test(driver) ? driver : undefined;
}
