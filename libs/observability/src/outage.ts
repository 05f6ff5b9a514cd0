/**
 * Whether a failure means "a dependency is away right now" (Postgres or Kafka down, restarting,
 * unreachable, out of connections) rather than "this input or this code is wrong". Outages are
 * waited out and retried without limit (every attempt would fail the same way, for every tenant);
 * anything else gets bounded retries and then a dead letter or an error answer.
 */
export function isDependencyOutage(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const { code, name, retriable, message } = e as { code?: unknown; name?: unknown; retriable?: unknown; message?: unknown };
    if (typeof code === 'string' && (NODE_NETWORK_CODES.has(code) || isPostgresOutageCode(code))) return true;
    if (typeof name === 'string' && KAFKAJS_OUTAGE_ERRORS.has(name)) return true;
    if (name === 'KafkaJSProtocolError' && (retriable === true || isLostProducerSession(e))) return true;
    if (typeof message === 'string' && PG_DRIVER_OUTAGE_MESSAGES.some((m) => message.includes(m))) return true;
    e =
      (e as { cause?: unknown; driverError?: unknown; originalError?: unknown }).cause ??
      (e as { driverError?: unknown }).driverError ??
      (e as { originalError?: unknown }).originalError;
  }
  return false;
}

const NODE_NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'ECONNABORTED']);

/** SQLSTATE class 08 (connection exception), 57P01–57P03 (shutdown, crash, cannot connect now), 53300 (too many connections). */
function isPostgresOutageCode(code: string): boolean {
  return /^08[0-9A-Z]{3}$/.test(code) || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300';
}

const KAFKAJS_OUTAGE_ERRORS = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSNumberOfRetriesExceeded',
  'KafkaJSBrokerNotFound',
  'KafkaJSRequestTimeoutError',
  'KafkaJSLockTimeout',
  'KafkaJSNoBrokerAvailableError',
  'KafkaJSMetadataNotLoaded',
]);

/** What node-postgres says when the server goes away mid-session (no SQLSTATE then). */
const PG_DRIVER_OUTAGE_MESSAGES = [
  'Connection terminated',
  'connection terminated',
  'Client has encountered a connection error',
  'timeout exceeded when trying to connect',
  'the database system is',
];

/**
 * The broker no longer knows the idempotent producer's session (a broker that restarted without
 * its state: out-of-order sequence, unknown producer id, old epoch). kafkajs cannot recover such a
 * producer by itself; TypedProducer replaces it, and the send that met it is a passing outage.
 */
const LOST_PRODUCER_SESSION = new Set(['OUT_OF_ORDER_SEQUENCE_NUMBER', 'UNKNOWN_PRODUCER_ID', 'INVALID_PRODUCER_EPOCH', 'INVALID_PRODUCER_ID_MAPPING']);

export function isLostProducerSession(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const { name, type } = e as { name?: unknown; type?: unknown };
    if (name === 'KafkaJSProtocolError' && typeof type === 'string' && LOST_PRODUCER_SESSION.has(type)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
