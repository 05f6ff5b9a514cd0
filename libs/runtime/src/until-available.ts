import { isDependencyOutage, type ComponentLogger } from '@app/observability';

const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 5_000;

/**
 * Runs `attempt` until it succeeds, waiting 250 ms, 500 ms, … up to 5 s between tries and
 * logging each failure (first as a warning, then at most every 30 s). For start-up steps that
 * need a dependency (Postgres, Kafka): a service started while one is away comes up once it is
 * back instead of exiting. Holds nothing between tries. A failure that is not an outage (a
 * migration that does not apply, a refused credential) is thrown at once.
 */
export async function untilAvailable<T>(dependency: string, logger: ComponentLogger, attempt: () => Promise<T>): Promise<T> {
  let delay = FIRST_DELAY_MS;
  let failures = 0;
  let lastLogged = 0;
  for (;;) {
    try {
      const result = await attempt();
      if (failures > 0) logger.info(`${dependency} available`, { failures });
      return result;
    } catch (err) {
      if (!isDependencyOutage(err)) throw err;
      failures += 1;
      if (failures === 1 || Date.now() - lastLogged >= 30_000) {
        lastLogged = Date.now();
        logger.warn(`waiting for ${dependency}`, { error: err as Error, failures, retryInMs: delay });
      }
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(MAX_DELAY_MS, delay * 2);
    }
  }
}
