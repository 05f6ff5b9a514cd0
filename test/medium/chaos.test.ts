import { formatTable, runChaos } from '../../deploy/chaos/main';

/**
 * The cheapest slice of `npm run chaos` (docs/reliability.md): a private Kafka, Postgres and the
 * four services under the supervisor; a burst with no fault, then a burst during which the
 * user-service is SIGKILLed and restarted by the supervisor alone. Every row must hold: 201s
 * durable with one event each, ambiguous writes applied at most once, 201s again within 30 s,
 * every service ready, no request record lost.
 */
describe('npm run chaos (a short slice)', () => {
  it('holds for a SIGKILLed user-service under a multi-tenant burst', async () => {
    const lines: string[] = [];
    const results = await runChaos({ cases: ['baseline', 'kill-user-service'], tenants: 4, concurrency: 40, creates: 100, keep: false }, (line) => lines.push(line));
    const table = formatTable(results);
    expect({ table, failures: results.flatMap((r) => r.failures) }).toEqual({ table, failures: [] });
    const killed = results.find((r) => r.name === 'kill-user-service')!;
    expect(killed.verdict.created).toBeGreaterThanOrEqual(200);
    expect(killed.refusedConnections).toBe(0);
    expect(lines.some((l) => /user-service: exited \(code null, signal SIGKILL\); restart 1/.test(l))).toBe(true);
  }, 600_000);
});
