import { KafkaConnectionConfig, loadConfig } from '@app/config';
import { kafkaConfigOf, kafkaConnectionOf, RepeatedLines } from './kafka';

const connectionOf = (env: Record<string, string>, files: Record<string, string> = {}) =>
  kafkaConnectionOf(loadConfig(KafkaConnectionConfig, env), (path) => {
    if (!(path in files)) throw new Error(`ENOENT: ${path}`);
    return files[path];
  });

describe('Kafka connection from the configuration', () => {
  it('is PLAINTEXT without SASL or TLS by default (the local single-node broker)', () => {
    const connection = connectionOf({ KAFKA_BROKERS: 'a:9092,b:9092' });
    expect(connection).toEqual({ brokers: ['a:9092', 'b:9092'] });
    const config = kafkaConfigOf({ ...connection, clientId: 'svc' });
    expect(config).not.toHaveProperty('ssl');
    expect(config).not.toHaveProperty('sasl');
  });

  it('hands SCRAM credentials and TLS with the given CA to kafkajs', () => {
    const connection = connectionOf(
      {
        KAFKA_BROKERS: 'scim-kafka-kafka-bootstrap:9093',
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        KAFKA_SASL_USERNAME: 'scim-user-service',
        KAFKA_SASL_PASSWORD: 's3cret',
        KAFKA_SSL: 'true',
        KAFKA_SSL_CA_FILE: '/etc/kafka-ca/ca.crt',
      },
      { '/etc/kafka-ca/ca.crt': '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' },
    );
    const config = kafkaConfigOf({ ...connection, clientId: 'user-service' });
    expect(config.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'scim-user-service', password: 's3cret' });
    expect(config.ssl).toEqual({ ca: ['-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'] });
    expect(config.brokers).toEqual(['scim-kafka-kafka-bootstrap:9093']);
  });

  it('uses the system CAs when TLS is on without a CA file, and SASL over plaintext when TLS is off', () => {
    expect(connectionOf({ KAFKA_SSL: 'true' }).ssl).toBe(true);
    const sasl = connectionOf({ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' });
    expect(sasl).toEqual({ brokers: ['127.0.0.1:9092'], sasl: { mechanism: 'plain', username: 'u', password: 'p' } });
  });

  it('stops at start-up when the CA file cannot be read', () => {
    expect(() => connectionOf({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: '/missing/ca.crt' })).toThrow(/ENOENT/);
  });
});

describe('RepeatedLines', () => {
  it('admits a line once per window and reports how many were held back', () => {
    let now = 0;
    const lines = new RepeatedLines(10_000, () => now);
    expect(lines.admit('broker down')).toBe(0);
    expect(lines.admit('broker down')).toBe(false);
    expect(lines.admit('broker down')).toBe(false);
    expect(lines.admit('other line')).toBe(0);
    now = 10_000;
    expect(lines.admit('broker down')).toBe(2);
    expect(lines.admit('broker down')).toBe(false);
  });

  it('forgets everything past 1,000 distinct lines instead of growing', () => {
    const lines = new RepeatedLines(10_000, () => 0);
    for (let i = 0; i < 1_000; i++) lines.admit(`line ${i}`);
    expect(lines.admit('line 1')).toBe(false);
    expect(lines.admit('line 1000')).toBe(0); // the map was cleared to make room
    expect(lines.admit('line 1')).toBe(0);
  });
});
