import { ConfigurationError, loadConfig } from './config';
import { KafkaConnectionConfig } from './kafka-connection-config';
import { ServiceBaseConfig } from './service-config';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(KafkaConnectionConfig, env);
    return [];
  } catch (err) {
    return (err as ConfigurationError).problems;
  }
}

describe('KafkaConnectionConfig', () => {
  it('is PLAINTEXT to the local broker when nothing is set', () => {
    expect(loadConfig(KafkaConnectionConfig, {})).toMatchObject({ KAFKA_BROKERS: '127.0.0.1:9092', KAFKA_SSL: 'false' });
    expect(loadConfig(KafkaConnectionConfig, {}).KAFKA_SASL_MECHANISM).toBeUndefined();
  });

  it('accepts SCRAM with credentials and TLS with a CA file', () => {
    const config = loadConfig(KafkaConnectionConfig, {
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'scim-gateway',
      KAFKA_SASL_PASSWORD: 'pw',
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: '/etc/kafka-ca/ca.crt',
    });
    expect(config).toMatchObject({ KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'scim-gateway', KAFKA_SSL: 'true' });
  });

  it('names the missing credential when a mechanism is set', () => {
    const problems = problemsOf({ KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'u' });
    expect(problems.map((p) => p.split(':')[0])).toEqual(['KAFKA_SASL_PASSWORD']);
    expect(problems[0]).toContain('required when KAFKA_SASL_MECHANISM is set');
  });

  it('refuses credentials without a mechanism, an unknown mechanism, and a CA file without TLS', () => {
    expect(problemsOf({ KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' })[0]).toMatch(/^KAFKA_SASL_MECHANISM: must be one of plain, scram-sha-256, scram-sha-512/);
    expect(problemsOf({ KAFKA_SASL_MECHANISM: 'gssapi', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' })[0]).toMatch(/^KAFKA_SASL_MECHANISM: .*\(got "gssapi"\)/);
    expect(problemsOf({ KAFKA_SSL_CA_FILE: '/ca.crt' })).toEqual(['KAFKA_SSL: must be true when KAFKA_SSL_CA_FILE is set (not set)']);
    expect(problemsOf({ KAFKA_SSL: 'yes' })[0]).toMatch(/^KAFKA_SSL:/);
  });

  it('is part of every service’s configuration', () => {
    expect(() => loadConfig(ServiceBaseConfig, { DATABASE_URL: 'postgres://p@h:5432/db', KAFKA_SASL_MECHANISM: 'scram-sha-512' })).toThrow(/KAFKA_SASL_USERNAME/);
  });
});
