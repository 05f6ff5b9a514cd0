import { LoggerService, LogLevel } from '@nestjs/common';
import pino, { type DestinationStream, type Level, type Logger as PinoLogger } from 'pino';
import { currentCorrelation } from './correlation';
import { currentTraceIds } from './tracing/trace-ids';

export type LogFields = Record<string, unknown>;

const LEVELS: readonly string[] = ['debug', 'info', 'warn', 'error', 'fatal'];
const NEST_LEVEL: Record<string, Level> = { debug: 'debug', verbose: 'debug', log: 'info', info: 'info', warn: 'warn', error: 'error', fatal: 'fatal' };

const SECRET_KEYS = ['password', 'token', 'secret', 'authorization', 'cookie', 'client_secret', 'clientSecret', 'access_token', 'refresh_token', 'apiKey'];
const CONTAINERS = ['headers', 'detail', 'body', 'config', 'credentials', 'error', 'kafka', 'request', 'response'];

/**
 * What is censored in every log line: credentials by their usual names at the top level of a
 * line's fields and inside the usual containers (`headers.authorization`, `credentials.token`, …);
 * `LOG_REDACT` adds more. Static paths only: fast-redact compiles them into the serializer (about
 * nothing per line), while a leading wildcard (`*.password`) walks every field of every line —
 * measured 10 µs a line, more than the rest of the line's cost together.
 */
export const DEFAULT_REDACTED_PATHS: readonly string[] = [...SECRET_KEYS, ...CONTAINERS.flatMap((c) => SECRET_KEYS.map((k) => `${c}.${k}`))];

export const REDACTED = '[redacted]';

export interface LoggerOptions {
  /** Lowest level written (default `info`). */
  level?: string;
  /**
   * Levels per component, overriding `level`: `{ access: 'warn', kafkajs: 'error' }`; a name also
   * covers its dotted sub-components (`kafkajs` covers `kafkajs.Connection`).
   */
  componentLevels?: Record<string, string>;
  /** Paths censored in addition to DEFAULT_REDACTED_PATHS (fast-redact syntax: `a.b`, `*.c`, `d[*].e`). */
  redact?: readonly string[];
}

/** `access=warn,kafkajs=error` (the LOG_LEVELS setting) → `{ access: 'warn', kafkajs: 'error' }`. */
export function parseComponentLevels(text: string | undefined): Record<string, string> {
  const levels: Record<string, string> = {};
  for (const part of (text ?? '').split(',')) {
    const [name, level] = part.split('=').map((s) => s.trim());
    if (name && level) levels[name] = level;
  }
  return levels;
}

/** `a.b, *.c` (the LOG_REDACT setting) → `['a.b', '*.c']`. */
export function parseRedactPaths(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/**
 * Structured JSON logs through pino, one object per line on stdout:
 * `{time, level, service, component, message, correlationId, tenantId, traceId, spanId, ...fields}`.
 * The correlation id and tenant of the unit of work (HTTP request or Kafka message) and the
 * active trace are added to every line written inside it; secrets are censored by configuration;
 * each component may have its own level. Also serves as Nest's logger.
 */
export class JsonLogger implements LoggerService {
  private readonly root: PinoLogger;
  private readonly componentLevels: Record<string, string>;
  private readonly children = new Map<string, PinoLogger>();

  constructor(service: string, options: string | LoggerOptions = process.env.LOG_LEVEL ?? 'info', sink?: (line: string) => void) {
    const opts: LoggerOptions = typeof options === 'string' ? { level: options } : options;
    this.componentLevels = opts.componentLevels ?? {};
    const destination: DestinationStream | undefined = sink ? { write: (line: string) => sink(line.endsWith('\n') ? line.slice(0, -1) : line) } : undefined;
    this.root = pino(
      {
        level: levelOrInfo(opts.level),
        base: { service },
        messageKey: 'message',
        errorKey: 'error',
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
        serializers: { error: serializeError, err: serializeError },
        redact: { paths: [...DEFAULT_REDACTED_PATHS, ...(opts.redact ?? [])], censor: REDACTED },
        mixin: contextOfLine,
      },
      destination ?? pino.destination({ dest: 1, sync: true }),
    );
  }

  /** A logger bound to one component name (its level may differ from the service's). */
  child(component: string): ComponentLogger {
    return new ComponentLogger(this, component);
  }

  /** The pino logger of a component (created once per name, with the component's level). */
  pinoFor(component: string | undefined): PinoLogger {
    if (!component) return this.root;
    let child = this.children.get(component);
    if (!child) {
      child = this.root.child({ component }, { level: levelOrInfo(this.levelOf(component) ?? this.root.level) });
      this.children.set(component, child);
    }
    return child;
  }

  write(level: string, message: string, fields: LogFields = {}): void {
    const { component, ...rest } = fields;
    const logger = this.pinoFor(typeof component === 'string' ? component : undefined);
    const method = (LEVELS.includes(level) ? level : 'info') as Level;
    if (!logger.isLevelEnabled(method)) return;
    logger[method](rest, message);
  }

  // Nest's LoggerService: (message, ...optionalParams) where the last param is the context.
  log(message: unknown, ...params: unknown[]): void {
    this.nest('log', message, params);
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
    this.nest('verbose', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.nest('fatal', message, params);
  }
  setLogLevels(levels: LogLevel[]): void {
    const lowest = LEVELS.find((l) => levels.some((given) => NEST_LEVEL[given] === l));
    if (lowest) this.root.level = lowest;
  }

  private levelOf(component: string): string | undefined {
    for (let name = component; ; name = name.slice(0, name.lastIndexOf('.'))) {
      if (this.componentLevels[name]) return this.componentLevels[name];
      if (!name.includes('.')) return undefined;
    }
  }

  private nest(nestLevel: string, message: unknown, params: unknown[]): void {
    const level = NEST_LEVEL[nestLevel] ?? 'info';
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
  private readonly pino: PinoLogger;
  constructor(root: JsonLogger, component: string) {
    this.pino = root.pinoFor(component);
  }
  debug(message: string, fields?: LogFields): void {
    this.pino.debug(fields ?? {}, message);
  }
  info(message: string, fields?: LogFields): void {
    this.pino.info(fields ?? {}, message);
  }
  warn(message: string, fields?: LogFields): void {
    this.pino.warn(fields ?? {}, message);
  }
  error(message: string, fields?: LogFields): void {
    this.pino.error(fields ?? {}, message);
  }
}

function levelOrInfo(level: string | undefined): Level {
  return level && LEVELS.includes(level) ? (level as Level) : 'info';
}

/**
 * The unit of work a line was written in: correlation id, tenant and the active trace. Always the
 * same four keys (undefined ones are left out of the line): pino merges this into every line, and
 * an object of varying shape built from conditional spreads measured 8 µs a line instead of 1.5.
 */
function contextOfLine(): LogFields {
  const correlation = currentCorrelation();
  const trace = currentTraceIds();
  return { correlationId: correlation?.correlationId, tenantId: correlation?.tenantId, traceId: trace?.traceId, spanId: trace?.spanId };
}

function serializeError(value: unknown): unknown {
  if (!(value instanceof Error)) return value;
  const code = (value as { code?: unknown }).code;
  return { name: value.name, message: value.message, ...(code !== undefined ? { code } : {}), stack: value.stack };
}
