import { ScimError } from '@app/scim';

/**
 * Readers of internal API bodies (gateway → owning service): a malformed member is a 400 with a
 * SCIM error body, which the gateway passes on.
 */
export function asObject(value: unknown, problem: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ScimError(400, 'invalidSyntax', problem);
  return value as Record<string, unknown>;
}

export function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ScimError(400, 'invalidValue', `"${name}" must be a string`);
  return value;
}

/** startIndex / count as sent; parsePagination checks them. */
export function numeric(value: unknown, name: string): number | string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' && typeof value !== 'string') throw new ScimError(400, 'invalidValue', `"${name}" must be an integer`);
  return value;
}
