import type { TenantHealth, TenantHealthReason, TenantHealthState } from '@app/contracts';
import { quantileOf, type RollupTotals } from './request-outcome';

/** Fewer requests than this in the window say too little for a rate to mean anything (a 401 still counts). */
export const MIN_REQUESTS_FOR_RATES = 10;
/** Entra quarantines when "most, or all" calls fail: at half we call it a risk, at a fifth a warning. */
export const RISK_ERROR_RATE = 0.5;
export const WARNING_ERROR_RATE = 0.2;

export interface TenantFacts {
  tenantId: string;
  name: string | null;
  lastSeenAt: string | null;
  lastSuccessAt: string | null;
  lastUnauthorizedAt: string | null;
}

const percent = (x: number) => `${Math.round(x * 100)}%`;

/**
 * A tenant's health over the window, and the quarantine-risk state with its reasons. The rules
 * follow what Entra documents: a job is quarantined when most or all of its calls fail, an
 * example being rejected credentials (expired or revoked token: 401).
 */
export function assessHealth(facts: TenantFacts, totals: RollupTotals | undefined, windowFrom: Date, windowTo: Date): TenantHealth {
  const requests = totals?.requests ?? 0;
  const share = (n: number) => (requests === 0 ? 0 : n / requests);
  const counted = requests - (totals?.throttled ?? 0);
  const failed = (totals?.clientErrors ?? 0) + (totals?.serverErrors ?? 0) + (totals?.unauthorized ?? 0);
  const errorRate = counted === 0 ? 0 : failed / counted;
  const reasons: TenantHealthReason[] = [];
  const unauthorized = totals?.unauthorized ?? 0;
  const rejectedSinceSuccess = facts.lastUnauthorizedAt !== null && (facts.lastSuccessAt === null || facts.lastUnauthorizedAt > facts.lastSuccessAt);
  if (unauthorized > 0 && rejectedSinceSuccess) {
    reasons.push({
      code: 'credentials-rejected',
      state: 'quarantine-risk',
      text: `credentials rejected: ${unauthorized} of ${requests} requests answered 401 (expired or revoked token) and none succeeded since the last one`,
    });
  } else if (unauthorized > 0) {
    reasons.push({ code: 'some-credentials-rejected', state: 'warning', text: `${unauthorized} of ${requests} requests answered 401 (expired or revoked token)` });
  }
  if (counted >= MIN_REQUESTS_FOR_RATES) {
    const detail = `${failed} of ${counted} requests failed (${percent(share(totals?.clientErrors ?? 0))} client errors, ${percent(share(totals?.serverErrors ?? 0))} server errors, ${percent(share(unauthorized))} 401)`;
    if (errorRate >= RISK_ERROR_RATE) reasons.push({ code: 'most-calls-fail', state: 'quarantine-risk', text: `most calls fail: ${detail}` });
    else if (errorRate >= WARNING_ERROR_RATE) reasons.push({ code: 'many-calls-fail', state: 'warning', text: `many calls fail: ${detail}` });
    if ((totals?.successes ?? 0) === 0) reasons.push({ code: 'no-success', state: 'quarantine-risk', text: `no request succeeded in the window` });
  }
  const throttled = totals?.throttled ?? 0;
  if (requests >= MIN_REQUESTS_FOR_RATES && share(throttled) >= RISK_ERROR_RATE) {
    reasons.push({ code: 'throttled', state: 'warning', text: `${percent(share(throttled))} of requests were paced by the tenant's own rate limit (429; not counted as errors)` });
  }
  const state: TenantHealthState = reasons.some((r) => r.state === 'quarantine-risk') ? 'quarantine-risk' : reasons.length > 0 ? 'warning' : requests === 0 ? 'idle' : 'healthy';
  reasons.sort((a, b) => (a.state === b.state ? 0 : a.state === 'quarantine-risk' ? -1 : 1));
  const p50 = totals ? quantileOf(totals.latencyBuckets, 0.5) : null;
  const p99 = totals ? quantileOf(totals.latencyBuckets, 0.99) : null;
  return {
    tenantId: facts.tenantId,
    name: facts.name,
    windowFrom: windowFrom.toISOString(),
    windowTo: windowTo.toISOString(),
    requests,
    successes: totals?.successes ?? 0,
    shares: { client: share(totals?.clientErrors ?? 0), server: share(totals?.serverErrors ?? 0), throttled: share(throttled), unauthorized: share(unauthorized) },
    errorRate,
    p50LatencyMs: p50 === null ? null : Math.round(p50 * 10) / 10,
    p99LatencyMs: p99 === null ? null : Math.round(p99 * 10) / 10,
    lastSuccessAt: facts.lastSuccessAt,
    lastUnauthorizedAt: facts.lastUnauthorizedAt,
    lastSeenAt: facts.lastSeenAt,
    state,
    reasons,
  };
}

/** The health state as a number for Prometheus (deploy/prometheus/alerts.yml): 0 idle or healthy, 1 warning, 2 quarantine risk. */
export function stateLevel(state: TenantHealthState): number {
  return state === 'quarantine-risk' ? 2 : state === 'warning' ? 1 : 0;
}
