import type { Logger as TypeOrmLogger } from 'typeorm';

/**
 * TypeORM's own logger prints failed queries as plain text with every parameter, which would put
 * whole SCIM resources (personal data) into the logs. This one writes a JSON line with the SQL
 * text and the error only, and migrations as info lines. Parameters are never written.
 */
export type LogLineWriter = (level: 'info' | 'warn' | 'error', message: string, fields: Record<string, unknown>) => void;

export class TypeOrmJsonLogger implements TypeOrmLogger {
  /**
   * `write`: where the lines go — the service's logger (bootstrapService passes it, so they share
   * its shape, levels and redaction); without it, JSON lines on stdout.
   */
  constructor(
    private readonly service: string,
    private readonly sink: (line: string) => void = (line) => process.stdout.write(line + '\n'),
    private readonly writeLine?: LogLineWriter,
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

  private write(level: 'info' | 'warn' | 'error', message: string, fields: Record<string, unknown>): void {
    if (this.writeLine) return this.writeLine(level, message, fields);
    this.sink(JSON.stringify({ time: new Date().toISOString(), level, service: this.service, component: 'typeorm', message, ...fields }));
  }
}
