/**
 * Maps the contracts' logical topic names to the names on the broker. Production uses no prefix;
 * tests run whole stacks side by side on one broker with a unique prefix each.
 */
export class TopicNames {
  constructor(readonly prefix: string = '') {}

  physical(logical: string): string {
    return this.prefix + logical;
  }

  logical(physical: string): string {
    return this.prefix && physical.startsWith(this.prefix) ? physical.slice(this.prefix.length) : physical;
  }
}
