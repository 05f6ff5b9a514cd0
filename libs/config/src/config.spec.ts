import { Type } from 'class-transformer';
import { IsInt, Min } from 'class-validator';
import { ConfigurationError, loadConfig } from './config';
import { ServiceBaseConfig } from './service-config';

class ExampleConfig extends ServiceBaseConfig {
  @Type(() => Number)
  @IsInt()
  @Min(1)
  WORKERS = 2;
}

const valid = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/scim_example' };

describe('loadConfig', () => {
  it('fills defaults and converts types', () => {
    const config = loadConfig(ExampleConfig, { ...valid, WORKERS: '8', HTTP_PORT: '4000' });
    expect(config).toMatchObject({ WORKERS: 8, HTTP_PORT: 4000, KAFKA_BROKERS: '127.0.0.1:9092', LOG_LEVEL: 'info', TOPIC_PREFIX: '' });
  });

  it('names every bad variable, with what was given', () => {
    let error: ConfigurationError | undefined;
    try {
      loadConfig(ExampleConfig, { HTTP_PORT: 'abc', KAFKA_BROKERS: 'no port here', WORKERS: '0', LOG_LEVEL: 'loud' });
    } catch (err) {
      error = err as ConfigurationError;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    const named = error!.problems.map((p) => p.split(':')[0]).sort();
    expect(named).toEqual(['DATABASE_URL', 'HTTP_PORT', 'KAFKA_BROKERS', 'LOG_LEVEL', 'WORKERS']);
    expect(error!.problems.find((p) => p.startsWith('HTTP_PORT'))).toContain('got "abc"');
    expect(error!.problems.find((p) => p.startsWith('DATABASE_URL'))).toContain('not set');
  });

  it('accepts a list of brokers and rejects a database URL without a database', () => {
    expect(loadConfig(ExampleConfig, { ...valid, KAFKA_BROKERS: 'a:9092,b:9093' }).KAFKA_BROKERS).toBe('a:9092,b:9093');
    expect(() => loadConfig(ExampleConfig, { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/' })).toThrow(/DATABASE_URL/);
  });
});
