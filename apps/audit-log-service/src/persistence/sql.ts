/** What a repository needs of TypeORM: a DataSource or a transaction's EntityManager. */
export interface Queryable {
  query<T = unknown>(sql: string, params?: unknown[]): Promise<T>;
}

/** Microsecond-exact UTC text of a timestamptz column, so cursors compare exactly. */
export const exactTime = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** Parameterised WHERE clause builder. */
export class Where {
  readonly clauses: string[] = [];
  readonly params: unknown[] = [];

  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  add(clause: string): void {
    this.clauses.push(clause);
  }

  toString(): string {
    return this.clauses.length ? `WHERE ${this.clauses.join(' AND ')}` : '';
  }
}

/** Longest name kept in an indexed column (Postgres refuses index rows over about 2.7 kB). */
const MAX_NAME_LENGTH = 512;

/** A name for an indexed text column: cut to a length Postgres indexes, NUL replaced (Postgres refuses it in text). */
export const indexableName = (value: unknown): string | null => (typeof value === 'string' ? value.slice(0, MAX_NAME_LENGTH).replace(/\u0000/g, '\uFFFD') : null);
