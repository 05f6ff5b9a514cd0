import { runWithCorrelation } from './correlation';
import { JsonLogger } from './json-logger';

describe('JsonLogger', () => {
  it('writes one JSON object per line with service, correlation id and tenant of the unit of work', () => {
    const lines: string[] = [];
    const logger = new JsonLogger('user-service', 'info', (l) => lines.push(l));
    runWithCorrelation({ correlationId: 'c-1', tenantId: 't-1' }, () => logger.child('consumer').info('handled', { commandId: 'x' }));
    logger.child('consumer').debug('hidden below info');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({
      level: 'info',
      service: 'user-service',
      component: 'consumer',
      message: 'handled',
      correlationId: 'c-1',
      tenantId: 't-1',
      commandId: 'x',
    });
  });

  it('serialises errors with their message and stack', () => {
    const lines: string[] = [];
    new JsonLogger('s', 'info', (l) => lines.push(l)).write('error', 'failed', { error: new Error('boom') });
    expect(JSON.parse(lines[0]).error).toMatchObject({ name: 'Error', message: 'boom' });
  });
});
