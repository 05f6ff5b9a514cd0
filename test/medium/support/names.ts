import { randomBytes } from 'node:crypto';

/** A name no earlier run used: tests share a broker and a Postgres server with everything else. */
export function uniqueId(label: string): string {
  return `${label}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

export function uniqueTopicPrefix(label: string): string {
  return `test.${uniqueId(label)}.`;
}
