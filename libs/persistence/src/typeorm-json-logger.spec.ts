import { TypeOrmJsonLogger } from './typeorm-json-logger';

describe('TypeOrmJsonLogger', () => {
  it('logs a failed query as JSON without its parameters', () => {
    const lines: string[] = [];
    const logger = new TypeOrmJsonLogger('user-service', (l) => lines.push(l));
    (logger.logQueryError as (e: Error, q: string, p: unknown[]) => void)(new Error('duplicate key'), 'INSERT INTO users VALUES ($1)', [{ userName: 'secret.person@example.com' }]);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({ level: 'error', service: 'user-service', message: 'query failed', error: 'duplicate key' });
    expect(lines[0]).not.toContain('secret.person');
  });
});
