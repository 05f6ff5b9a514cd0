import { restartGateway } from './gateway-restart';
import type { RunningStack } from './stack-handle';
import { round } from './stats';
import { usersBench, type UsersBenchOptions } from './users-bench';

export interface AuditBenchOptions extends UsersBenchOptions {
  /** Rounds of (on, off); the modes alternate so drift of the machine hits both alike. */
  rounds: number;
}

type UsersResult = {
  sequentialEntraFlow: { steps: Record<string, { p50: number; p99: number }> };
  burst: { createsPerSecond: number; latencyMs: { p50: number; p99: number }; readFilterDuringBurstMs: { p99: number }; byStatus: Record<string, number>; audit: unknown };
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : round((sorted[mid - 1] + sorted[mid]) / 2);
}

/**
 * SCIM latency with request records on and off: the users bench (Entra's sequential flow and a
 * burst of creates) run in alternating rounds, the gateway restarted with
 * AUDIT_REQUEST_RECORDS=on|off between them. The gateway is left with records on.
 */
export async function auditBench(stack: RunningStack, options: AuditBenchOptions): Promise<Record<string, unknown>> {
  const runs: Array<{ mode: 'on' | 'off'; result: UsersResult }> = [];
  try {
    for (let round = 0; round < options.rounds; round++) {
      for (const mode of ['on', 'off'] as const) {
        await restartGateway(stack, { AUDIT_REQUEST_RECORDS: mode });
        const result = (await usersBench(stack, { ...options, audit: mode === 'on' })) as unknown as UsersResult;
        runs.push({ mode, result });
        process.stderr.write(`[bench] audit ${mode}, round ${round + 1}: ${result.burst.createsPerSecond} creates/s, POST p50 ${result.sequentialEntraFlow.steps.POST?.p50} ms\n`);
      }
    }
  } finally {
    await restartGateway(stack, { AUDIT_REQUEST_RECORDS: 'on' });
  }
  const byMode = (mode: 'on' | 'off') => {
    const mine = runs.filter((r) => r.mode === mode).map((r) => r.result);
    const steps = Object.keys(mine[0]?.sequentialEntraFlow.steps ?? {});
    return {
      runs: mine.length,
      sequentialMedianOfRuns: Object.fromEntries(
        steps.map((s) => [s, { p50: median(mine.map((r) => r.sequentialEntraFlow.steps[s].p50)), p99: median(mine.map((r) => r.sequentialEntraFlow.steps[s].p99)) }]),
      ),
      burstMedianOfRuns: {
        createsPerSecond: median(mine.map((r) => r.burst.createsPerSecond)),
        p50: median(mine.map((r) => r.burst.latencyMs.p50)),
        p99: median(mine.map((r) => r.burst.latencyMs.p99)),
        readFilterDuringBurstP99: median(mine.map((r) => r.burst.readFilterDuringBurstMs.p99)),
      },
    };
  };
  return {
    on: byMode('on'),
    off: byMode('off'),
    runs: runs.map((r) => ({
      mode: r.mode,
      sequential: r.result.sequentialEntraFlow.steps,
      burst: { createsPerSecond: r.result.burst.createsPerSecond, latencyMs: r.result.burst.latencyMs, byStatus: r.result.burst.byStatus, audit: r.result.burst.audit },
    })),
  };
}
