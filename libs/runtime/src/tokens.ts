/** Injection tokens for what every service's runtime provides to its modules. */
export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');
export const KAFKA = Symbol('KAFKA');
export const TOPIC_NAMES = Symbol('TOPIC_NAMES');
export const LOGGER = Symbol('LOGGER');
export const TYPED_PRODUCER = Symbol('TYPED_PRODUCER');
/**
 * Headers a service adds to its calls of another service's internal API (the internal
 * credential, docs/security.md); an empty object when none is configured.
 */
export const INTERNAL_CALL_HEADERS = Symbol('INTERNAL_CALL_HEADERS');
