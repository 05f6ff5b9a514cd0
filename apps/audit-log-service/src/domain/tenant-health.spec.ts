import { LATENCY_BOUNDS_MS, quantileOf, rollupsOf, type RollupTotals } from './request-outcome';
import { assessHealth, type TenantFacts } from './tenant-health';

const FROM = new Date('2026-11-23T11:00:00Z');
const TO = new Date('2026-11-23T12:00:00Z');

function totalsOf(statuses: number[]): RollupTotals {
  const [m] = rollupsOf(statuses.map((status) => ({ tenantId: 't', receivedAt: '2026-11-23T11:30:00Z', status, latencyMs: 20, scimType: status === 409 ? 'uniqueness' : null })));
  const { tenantId: _t, minute, ...rest } = m;
  return { ...rest, from: minute };
}

const facts = (over: Partial<TenantFacts> = {}): TenantFacts => ({
  tenantId: 't',
  name: 'Contoso',
  lastSeenAt: '2026-11-23T11:30:00.000Z',
  lastSuccessAt: '2026-11-23T11:30:00.000Z',
  lastUnauthorizedAt: null,
  ...over,
});

const times = (n: number, status: number) => new Array<number>(n).fill(status);

describe('request rollups', () => {
  it('count each request once by outcome, failures by scimType or status', () => {
    const t = totalsOf([200, 201, 409, 400, 401, 429, 500, 499]);
    expect(t).toMatchObject({ requests: 8, successes: 2, clientErrors: 2, unauthorized: 1, throttled: 1, serverErrors: 2 });
    expect(t.failures).toEqual({ uniqueness: 1, 'status:400': 1, 'status:401': 1, 'status:429': 1, 'status:500': 1, 'status:499': 1 });
    expect(t.latencyBuckets.reduce((a, b) => a + b, 0)).toBe(8);
  });

  it('interpolate percentiles within a latency bucket', () => {
    const counts = new Array<number>(LATENCY_BOUNDS_MS.length + 1).fill(0);
    counts[3] = 100; // 25 < latency <= 50 ms
    expect(quantileOf(counts, 0.5)).toBe(37.5);
    expect(quantileOf(counts, 0)).toBe(25);
    expect(quantileOf(new Array<number>(12).fill(0), 0.5)).toBeNull();
  });
});

describe('assessHealth', () => {
  it('is healthy when calls succeed, idle without requests', () => {
    expect(assessHealth(facts(), totalsOf(times(20, 200)), FROM, TO)).toMatchObject({ state: 'healthy', reasons: [], errorRate: 0, name: 'Contoso' });
    expect(assessHealth(facts(), undefined, FROM, TO).state).toBe('idle');
  });

  it('calls rejected credentials with no success since a quarantine risk, however few the requests', () => {
    const h = assessHealth(facts({ lastUnauthorizedAt: '2026-11-23T11:40:00.000Z' }), totalsOf([200, 401, 401]), FROM, TO);
    expect(h.state).toBe('quarantine-risk');
    expect(h.reasons[0]).toMatchObject({ code: 'credentials-rejected' });
    expect(h.reasons[0].text).toContain('2 of 3 requests answered 401');
  });

  it('is only a warning when a success came after the last 401', () => {
    const h = assessHealth(facts({ lastUnauthorizedAt: '2026-11-23T11:10:00.000Z' }), totalsOf([...times(19, 200), 401]), FROM, TO);
    expect(h).toMatchObject({ state: 'warning', reasons: [{ code: 'some-credentials-rejected' }] });
  });

  it('calls most calls failing a quarantine risk and many a warning', () => {
    expect(assessHealth(facts(), totalsOf([...times(6, 500), ...times(4, 200)]), FROM, TO)).toMatchObject({ state: 'quarantine-risk', errorRate: 0.6 });
    expect(assessHealth(facts(), totalsOf([...times(3, 409), ...times(7, 200)]), FROM, TO).reasons.map((r) => r.code)).toEqual(['many-calls-fail']);
  });

  it("does not count 429s from the tenant's own rate limit as errors", () => {
    const h = assessHealth(facts(), totalsOf([...times(15, 429), ...times(10, 200)]), FROM, TO);
    expect(h.errorRate).toBe(0);
    expect(h.shares.throttled).toBe(0.6);
    expect(h).toMatchObject({ state: 'warning', reasons: [{ code: 'throttled' }] });
  });
});
