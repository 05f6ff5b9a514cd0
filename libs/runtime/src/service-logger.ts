import type { ServiceBaseConfig } from '@app/config';
import { JsonLogger, parseComponentLevels, parseRedactPaths } from '@app/observability';

/** The service's logger as its configuration asks: LOG_LEVEL, LOG_LEVELS per component, LOG_REDACT. */
export function serviceLogger(name: string, config: Pick<ServiceBaseConfig, 'LOG_LEVEL' | 'LOG_LEVELS' | 'LOG_REDACT'>): JsonLogger {
  return new JsonLogger(name, { level: config.LOG_LEVEL, componentLevels: parseComponentLevels(config.LOG_LEVELS), redact: parseRedactPaths(config.LOG_REDACT) });
}
