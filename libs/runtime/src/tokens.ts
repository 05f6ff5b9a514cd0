/** Injection tokens for what every service's runtime provides to its modules. */
export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');
export const KAFKA = Symbol('KAFKA');
export const TOPIC_NAMES = Symbol('TOPIC_NAMES');
export const LOGGER = Symbol('LOGGER');
export const TYPED_PRODUCER = Symbol('TYPED_PRODUCER');
