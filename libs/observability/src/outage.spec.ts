import { isDependencyOutage } from './outage';

describe('isDependencyOutage', () => {
  const outages: Array<[string, unknown]> = [
    ['connection refused', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['Postgres shutting down (57P01)', Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })],
    ['Postgres starting up (57P03)', Object.assign(new Error('the database system is starting up'), { code: '57P03' })],
    ['SQLSTATE class 08', Object.assign(new Error('connection failure'), { code: '08006' })],
    ['too many connections', Object.assign(new Error('sorry, too many clients already'), { code: '53300' })],
    ['node-postgres: connection terminated', new Error('Connection terminated unexpectedly')],
    ['TypeORM wrapping a driver error', Object.assign(new Error('query failed'), { driverError: Object.assign(new Error('x'), { code: 'ECONNRESET' }) })],
    ['kafkajs connection error', Object.assign(new Error('Connection error'), { name: 'KafkaJSConnectionError' })],
    ['kafkajs retries exhausted', Object.assign(new Error('retries'), { name: 'KafkaJSNumberOfRetriesExceeded' })],
    ['kafkajs retriable protocol error', Object.assign(new Error('leader not available'), { name: 'KafkaJSProtocolError', retriable: true })],
    [
      'a producer session the restarted broker lost',
      Object.assign(new Error('out of order sequence number'), { name: 'KafkaJSProtocolError', type: 'OUT_OF_ORDER_SEQUENCE_NUMBER', retriable: false }),
    ],
    ['cause chain', new Error('outer', { cause: Object.assign(new Error('inner'), { code: 'ETIMEDOUT' }) })],
  ];
  const notOutages: Array<[string, unknown]> = [
    ['a plain bug', new TypeError('cannot read properties of undefined')],
    ['a unique violation', Object.assign(new Error('duplicate key'), { code: '23505' })],
    ['invalid byte sequence', Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: '22021' })],
    ['statement timeout', Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' })],
    ['non-retriable kafkajs protocol error', Object.assign(new Error('message too large'), { name: 'KafkaJSProtocolError', retriable: false })],
    ['not an object', 'ECONNREFUSED'],
    ['undefined', undefined],
  ];
  it.each(outages)('%s is an outage', (_name, err) => expect(isDependencyOutage(err)).toBe(true));
  it.each(notOutages)('%s is not', (_name, err) => expect(isDependencyOutage(err)).toBe(false));
});
