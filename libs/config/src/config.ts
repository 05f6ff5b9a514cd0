import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';

/** Thrown when the environment does not describe a valid configuration; names every bad variable. */
export class ConfigurationError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigurationError';
  }
}

type ConfigClass<T> = new () => T;

/**
 * Validates environment variables into a typed configuration class. Property names are the
 * variable names; class-transformer converts strings (use @Type / @Transform on the class) and
 * class-validator checks them. Every failing variable is reported, not only the first.
 */
export function loadConfig<T extends object>(cls: ConfigClass<T>, env: NodeJS.ProcessEnv = process.env): T {
  const raw: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const config = plainToInstance(cls, raw, { exposeDefaultValues: true, excludeExtraneousValues: false });
  const errors = validateSync(config, { skipMissingProperties: false, whitelist: false });
  if (errors.length > 0) {
    throw new ConfigurationError(errors.flatMap((e) => describe(e, env)));
  }
  return config;
}

function describe(error: ValidationError, env: NodeJS.ProcessEnv): string[] {
  const given = env[error.property];
  const shown = given === undefined || given === '' ? 'not set' : `got "${given}"`;
  const reasons = Object.values(error.constraints ?? {}).join('; ');
  return [`${error.property}: ${reasons} (${shown})`];
}
