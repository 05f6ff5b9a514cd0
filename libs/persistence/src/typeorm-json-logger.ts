import type { Logger as TypeOrmLogger } from 'typeorm';

/**
 * TypeORM's own logger prints failed queries as plain text with every parameter, which would put
 * whole SCIM resources (personal data) into the logs. This one writes a JSON line with the SQL
 * text and the error only, and migrations as info lines. Parameters are never written.
 */
export class TypeOrmJsonLogger implements TypeOrmLogger {
  constructor(
    private readonly service: string,
    private readonly sink: (line: string) => void = (line) => process.stdout.write(line + '\n'),
  ) {}

  logQuery(): void {}

  logQueryError(error: string | Error, query: string): void {
    this.write('error', 'query failed', { query: query.slice(0, 2000), error: error instanceof Error ? error.message : error });
  }

  logQuerySlow(time: number, query: string): void {
    this.write('warn', 'slow query', { ms: time, query: query.slice(0, 2000) });
  }

  logSchemaBuild(): void {}

  logMigration(message: string): void {
    this.write('info', message, {});
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.write('warn', String(message), {});
  }

  private write(level: string, message: string, fields: Record<string, unknown>): void {
    this.sink(JSON.stringify({ time: new Date().toISOString(), level, service: this.service, component: 'typeorm', message, ...fields }));
  }
}
