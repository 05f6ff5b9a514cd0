/**
 * Wraps a reporter so it runs at most once a minute: a metric failing on every request or every
 * sample must not flood the log. The first call always goes through.
 */
export function everyMinuteAtMost<A extends unknown[]>(report: (...args: A) => void, now: () => number = Date.now): (...args: A) => void {
  let last = -Infinity;
  return (...args: A) => {
    const t = now();
    if (t - last < 60_000) return;
    last = t;
    report(...args);
  };
}
