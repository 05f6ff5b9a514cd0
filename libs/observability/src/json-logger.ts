import { LoggerService, LogLevel } from '@nestjs/common';
import { currentCorrelation } from './correlation';

const LEVEL_ORDER: Record<string, number> = { debug: 10, verbose: 10, log: 20, info: 20, warn: 30, error: 40, fatal: 50 };

export type LogFields = Record<string, unknown>;

/**
 * Structured JSON logs, one object per line on stdout, each carrying the service name and the
 * correlation id of the unit of work it was written in. Also serves as Nest's logger.
 */
export class JsonLogger implements LoggerService {
  private minLevel: number;

  constructor(
    private readonly service: string,
    level: string = process.env.LOG_LEVEL ?? 'info',
    private readonly sink: (line: string) => void = (line) => process.stdout.write(line + '\n'),
  ) {
    this.minLevel = LEVEL_ORDER[level] ?? LEVEL_ORDER.info;
  }

  child(component: string): ComponentLogger {
    return new ComponentLogger(this, component);
  }

  write(level: string, message: string, fields: LogFields = {}): void {
    if ((LEVEL_ORDER[level] ?? 20) < this.minLevel) return;
    const correlation = currentCorrelation();
    const entry: LogFields = {
      time: new Date().toISOString(),
      level,
      service: this.service,
      message,
      ...(correlation?.correlationId ? { correlationId: correlation.correlationId } : {}),
      ...(correlation?.tenantId ? { tenantId: correlation.tenantId } : {}),
      ...fields,
    };
    this.sink(JSON.stringify(entry, errorReplacer));
  }

  // Nest's LoggerService: (message, ...optionalParams) where the last param is the context.
  log(message: unknown, ...params: unknown[]): void {
    this.nest('info', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.nest('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.nest('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.nest('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.nest('debug', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.nest('fatal', message, params);
  }
  setLogLevels(levels: LogLevel[]): void {
    const lowest = Math.min(...levels.map((l) => LEVEL_ORDER[l] ?? 20));
    this.minLevel = Number.isFinite(lowest) ? lowest : this.minLevel;
  }

  private nest(level: string, message: unknown, params: unknown[]): void {
    const context = typeof params[params.length - 1] === 'string' ? (params.pop() as string) : undefined;
    const fields: LogFields = context ? { component: context } : {};
    for (const p of params) {
      if (p instanceof Error) fields.error = p;
      else if (typeof p === 'string') fields.stack = p;
      else if (p !== undefined) fields.detail = p;
    }
    if (message instanceof Error) this.write(level, message.message, { ...fields, error: message });
    else this.write(level, typeof message === 'string' ? message : JSON.stringify(message), fields);
  }
}

/** A logger bound to one component name, so call sites stay short. */
export class ComponentLogger {
  constructor(
    private readonly root: JsonLogger,
    private readonly component: string,
  ) {}
  debug(message: string, fields?: LogFields): void {
    this.root.write('debug', message, { component: this.component, ...fields });
  }
  info(message: string, fields?: LogFields): void {
    this.root.write('info', message, { component: this.component, ...fields });
  }
  warn(message: string, fields?: LogFields): void {
    this.root.write('warn', message, { component: this.component, ...fields });
  }
  error(message: string, fields?: LogFields): void {
    this.root.write('error', message, { component: this.component, ...fields });
  }
}

function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    return { name: value.name, message: value.message, stack: value.stack };
  }
  if (typeof value === 'bigint') return value.toString();
  return value;
}
