/** Formatting of API values for the page: pure, unit-tested (format.spec.ts). */

export const MINUTE = 60_000;
export const DAY = 1440 * MINUTE;

/** `2026-11-23 10:04:05` from an ISO instant; the text itself when it is not one; '' for none. */
export function utc(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : d.toISOString().replace('T', ' ').slice(0, 19);
}

/** A bucket's start as the axis shows it: the day for day buckets, else month-day hour:minute. */
export function shortUtc(ms: number, bucketMs: number): string {
  const iso = new Date(ms).toISOString();
  return bucketMs >= DAY ? iso.slice(0, 10) : iso.slice(5, 16).replace('T', ' ');
}

/** A stored body: JSON pretty-printed, a cut body as its preview with the size it had. */
export function pretty(value: unknown): string {
  if (value === undefined || value === null) return '(no body)';
  if (typeof value === 'object' && (value as { truncated?: unknown }).truncated === true && typeof (value as { preview?: unknown }).preview === 'string') {
    const cut = value as { bytes: number; preview: string };
    return `(cut to a preview: the body had ${cut.bytes} bytes)\n${cut.preview}`;
  }
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}

export function decodedQuery(query: string | null | undefined): string {
  if (!query) return '';
  try {
    return decodeURIComponent(String(query).replace(/\+/g, ' '));
  } catch {
    return String(query);
  }
}

export const statusClass = (status: number | string) => `status-${String(status).charAt(0)}xx`;
export const count = (n: number | null | undefined) => Number(n ?? 0).toLocaleString('en');
export const pct = (x: number | null | undefined) => `${Math.round(Number(x ?? 0) * 1000) / 10}%`;

/** A JSON value as one line, or "—" for none. */
export function oneLine(value: unknown): string {
  return value === null || value === undefined ? '—' : JSON.stringify(value);
}
