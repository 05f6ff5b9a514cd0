/**
 * What a service process was started to do, from its command-line arguments:
 * - no argument: serve (migrate if needed, then run until SIGTERM);
 * - `migrate`: apply the pending migrations of the service's database and exit, touching nothing
 *   else (no Kafka, no HTTP). Kubernetes runs it as an init container before a new version's
 *   pods start (deploy/kubernetes), so a failing migration stops the rollout, not the service.
 */
export type ProcessMode = 'serve' | 'migrate';

/** Exit code of a command-line usage error (sysexits.h EX_USAGE). */
export const EXIT_USAGE = 64;

export class UsageError extends Error {
  constructor(args: readonly string[]) {
    super(`unknown arguments: ${args.join(' ')} (expected none, or "migrate")`);
    this.name = 'UsageError';
  }
}

/** `args` are the process's own arguments (process.argv.slice(2)). */
export function processModeOf(args: readonly string[]): ProcessMode {
  if (args.length === 0) return 'serve';
  if (args.length === 1 && args[0] === 'migrate') return 'migrate';
  throw new UsageError(args);
}
