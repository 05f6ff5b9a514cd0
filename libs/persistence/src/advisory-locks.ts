/**
 * Postgres advisory lock keys (two-int form), per database. One list, so no two uses collide.
 */
export const ADVISORY_LOCK_NAMESPACE = 7468;

export const AdvisoryLocks = {
  /** Held from an outbox insert to commit: outbox ids follow commit order. */
  outboxWrite: 1,
  /** Session lock of the one outbox relay instance that publishes. */
  outboxRelayLeader: 2,
  /** Held while migrations run, so instances starting together take turns. */
  migrations: 3,
} as const;
