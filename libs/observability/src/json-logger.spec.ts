import { runWithCorrelation } from './correlation';
import { JsonLogger, parseComponentLevels, parseRedactPaths } from './json-logger';

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

describe('JsonLogger through pino', () => {
  function capture(options: ConstructorParameters<typeof JsonLogger>[1]) {
    const lines: Array<Record<string, unknown>> = [];
    return { logger: new JsonLogger('svc', options, (l) => lines.push(JSON.parse(l) as Record<string, unknown>)), lines };
  }

  it('keeps one shape: ISO time, level name, service, component, message', () => {
    const { logger, lines } = capture('info');
    logger.child('relay').warn('slow', { ms: 5 });
    expect(lines).toHaveLength(1);
    expect(Object.keys(lines[0]).sort()).toEqual(['component', 'level', 'message', 'ms', 'service', 'time']);
    expect(lines[0]).toMatchObject({ level: 'warn', service: 'svc', component: 'relay', message: 'slow', ms: 5 });
    expect(new Date(lines[0].time as string).toISOString()).toBe(lines[0].time);
  });

  it('censors passwords, tokens, secrets and authorization headers by default, and configured paths', () => {
    const { logger, lines } = capture({ level: 'info', redact: ['detail.mail', '*.phone'] });
    logger.child('auth').info('seen', {
      password: 'p-1',
      token: 't-1',
      headers: { authorization: 'Bearer abc', accept: 'json' },
      credentials: { client_secret: 's-1', clientId: 'c-1' },
      detail: { mail: 'a@example.com', kept: 1 },
      person: { phone: '+1' },
    });
    const line = JSON.stringify(lines[0]);
    for (const secret of ['p-1', 't-1', 'Bearer abc', 's-1', 'a@example.com', '+1']) expect(line).not.toContain(secret);
    expect(lines[0]).toMatchObject({ password: '[redacted]', headers: { authorization: '[redacted]', accept: 'json' }, credentials: { clientId: 'c-1' }, detail: { kept: 1 } });
  });

  it('gives each component its own level; a name covers its dotted sub-components', () => {
    const { logger, lines } = capture({ level: 'info', componentLevels: { access: 'warn', kafkajs: 'error', relay: 'debug' } });
    logger.child('access').info('request completed');
    logger.child('access').warn('kept');
    logger.write('warn', 'kafkajs: reconnecting', { component: 'kafkajs.Connection' });
    logger.write('error', 'kafkajs: failed', { component: 'kafkajs.Connection' });
    logger.child('relay').debug('polled');
    logger.child('other').debug('hidden');
    expect(lines.map((l) => l.message)).toEqual(['kept', 'kafkajs: failed', 'polled']);
  });

  it("takes Nest's context argument as the component", () => {
    const { logger, lines } = capture('info');
    logger.log('mapped route', 'RouterExplorer');
    logger.error('failed', new Error('boom'), 'ExceptionsHandler');
    expect(lines[0]).toMatchObject({ level: 'info', component: 'RouterExplorer', message: 'mapped route' });
    expect(lines[1]).toMatchObject({ level: 'error', component: 'ExceptionsHandler', error: { message: 'boom' } });
  });
});

describe('LOG_LEVELS and LOG_REDACT', () => {
  it('parse into component levels and paths', () => {
    expect(parseComponentLevels(' access=warn, kafkajs=error ')).toEqual({ access: 'warn', kafkajs: 'error' });
    expect(parseComponentLevels('')).toEqual({});
    expect(parseRedactPaths('a.b, *.c,')).toEqual(['a.b', '*.c']);
  });
});
