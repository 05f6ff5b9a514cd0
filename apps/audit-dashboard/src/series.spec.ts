import type { TenantActivity } from '@app/contracts';
import { activityOf, windowOf, windowStart, WINDOWS } from './series';

const item = (bucketStart: string, requests: number, failures: number, p99: number, byType: Record<string, number> = {}): TenantActivity => ({
  tenantId: 't',
  bucketStart,
  requests,
  successes: requests - failures,
  failures,
  failuresByScimType: byType,
  p50LatencyMs: 1,
  p99LatencyMs: p99,
});

describe('activity series', () => {
  it('ends the window with the bucket holding now', () => {
    const now = Date.parse('2026-11-23T10:04:30Z');
    expect(new Date(windowStart(WINDOWS['1h'], now)).toISOString()).toBe('2026-11-23T09:05:00.000Z');
    expect(new Date(windowStart(WINDOWS['7d'], now)).toISOString()).toBe('2026-11-17T00:00:00.000Z');
  });

  it('sums every tenant into one bucket per step, empty buckets as zero, with totals and failures by type', () => {
    const win = WINDOWS['1h'];
    const from = Date.parse('2026-11-23T09:05:00Z');
    const activity = activityOf(
      [
        item('2026-11-23T09:05:00Z', 3, 1, 40, { uniqueness: 1 }),
        item('2026-11-23T09:05:00Z', 2, 0, 90),
        item('2026-11-23T10:04:00Z', 5, 2, 20, { invalidFilter: 1, 'status:500': 1 }),
      ],
      win,
      from,
    );
    expect(activity.series).toHaveLength(60);
    expect(activity.series[0]).toEqual({ start: from, requests: 5, failures: 1 });
    expect(activity.series[59]).toMatchObject({ requests: 5, failures: 2 });
    expect(activity.series.slice(1, 59).every((b) => b.requests === 0)).toBe(true);
    expect(activity).toMatchObject({ requests: 10, failures: 3, worstP99Ms: 90 });
    expect(new Map(activity.byType)).toEqual(
      new Map([
        ['uniqueness', 1],
        ['invalidFilter', 1],
        ['status:500', 1],
      ]),
    );
  });

  it('puts an item outside the window into the nearest bucket rather than dropping it', () => {
    const win = WINDOWS['24h'];
    const from = Date.parse('2026-11-22T11:00:00Z');
    const activity = activityOf([item('2026-11-22T09:00:00Z', 1, 0, 1), item('2026-11-24T09:00:00Z', 2, 0, 1)], win, from);
    expect(activity.series[0].requests).toBe(1);
    expect(activity.series[23].requests).toBe(2);
  });

  it('falls back to the hour window for an unknown name', () => {
    expect(windowOf('nope')).toBe(WINDOWS['1h']);
    expect(windowOf('7d').bucket).toBe('1d');
  });
});
