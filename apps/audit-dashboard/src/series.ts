import type { TenantActivity } from '@app/contracts';
import { MINUTE } from './format';

/** The windows the page offers: how far back, and the bucket the summaries API is asked for. */
export const WINDOWS = {
  '1h': { spanMs: 60 * MINUTE, bucket: '1m', bucketMs: MINUTE, label: 'last hour, per minute' },
  '6h': { spanMs: 360 * MINUTE, bucket: '5m', bucketMs: 5 * MINUTE, label: 'last 6 hours, per 5 minutes' },
  '24h': { spanMs: 1440 * MINUTE, bucket: '1h', bucketMs: 60 * MINUTE, label: 'last 24 hours, per hour' },
  '7d': { spanMs: 7 * 1440 * MINUTE, bucket: '1d', bucketMs: 1440 * MINUTE, label: 'last 7 days, per day' },
} as const;
export type WindowName = keyof typeof WINDOWS;
export type Window = (typeof WINDOWS)[WindowName];

export function windowOf(name: string): Window {
  return Object.hasOwn(WINDOWS, name) ? WINDOWS[name as WindowName] : WINDOWS['1h'];
}

export interface Bucket {
  start: number;
  requests: number;
  failures: number;
}

export interface Activity {
  fromMs: number;
  series: Bucket[];
  requests: number;
  failures: number;
  worstP99Ms: number;
  /** Failures by scimType (or status:NNN), most first. */
  byType: Array<[string, number]>;
}

/** The first bucket of a window that ends with the bucket holding `nowMs`. */
export function windowStart(win: Window, nowMs: number): number {
  const buckets = Math.round(win.spanMs / win.bucketMs);
  return Math.floor(nowMs / win.bucketMs) * win.bucketMs - (buckets - 1) * win.bucketMs;
}

/**
 * Sums the summaries API's items (per tenant and bucket) into one series over the window, every
 * bucket present (empty ones as zero), with the totals the page shows.
 */
export function activityOf(items: readonly TenantActivity[], win: Window, fromMs: number): Activity {
  const buckets = Math.round(win.spanMs / win.bucketMs);
  const series: Bucket[] = Array.from({ length: buckets }, (_, i) => ({ start: fromMs + i * win.bucketMs, requests: 0, failures: 0 }));
  const byType = new Map<string, number>();
  let requests = 0;
  let failures = 0;
  let worstP99Ms = 0;
  for (const item of items) {
    const index = Math.floor((Date.parse(item.bucketStart) - fromMs) / win.bucketMs);
    const slot = series[Math.min(Math.max(index, 0), buckets - 1)];
    slot.requests += item.requests;
    slot.failures += item.failures;
    requests += item.requests;
    failures += item.failures;
    worstP99Ms = Math.max(worstP99Ms, item.p99LatencyMs ?? 0);
    for (const [type, n] of Object.entries(item.failuresByScimType ?? {})) byType.set(type, (byType.get(type) ?? 0) + n);
  }
  return { fromMs, series, requests, failures, worstP99Ms, byType: [...byType].sort((a, b) => b[1] - a[1]) };
}
