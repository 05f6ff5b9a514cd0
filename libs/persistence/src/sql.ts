/** Positional parameters of one statement: values never enter the SQL text. */
export class SqlParams {
  readonly values: unknown[];

  constructor(initial: readonly unknown[] = []) {
    this.values = [...initial];
  }

  /** Adds a value and returns its typed placeholder, e.g. `$3::text`. */
  add(value: unknown, type: string): string {
    this.values.push(value);
    return `$${this.values.length}::${type}`;
  }
}

/**
 * A JSON key or schema URN as an SQL string literal. Keys come from schema definitions (the
 * filter's spelling is resolved to its definition first), never from request text; quoting
 * keeps even that from mattering.
 */
export function sqlLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** LIKE pattern characters in a value are matched literally (backslash is LIKE's escape). */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids the platform assigns are UUIDs; anything else names nothing (and must not reach a uuid column). */
export function isUuid(id: unknown): id is string {
  return typeof id === 'string' && UUID.test(id);
}
