/**
 * A failure that retrying cannot fix (a malformed record, a schema violation, a broken invariant
 * in the payload): the record goes to the dead-letter topic at once.
 */
export class NonRetryableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NonRetryableError';
  }
}
