import { PROCESS_INTERNAL_API_TOKEN } from '../../../deploy/local/stack';
/** One sample of a Prometheus text exposition: `name{label="value",...} value`. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL_PAIR = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Parses the Prometheus text format (version 0.0.4), comments skipped. */
export function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = SAMPLE_LINE.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(LABEL_PAIR)) labels[key] = value.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

/** GET <serviceUrl>/metrics, parsed; fails on anything but a 200 in the Prometheus text format. */
export async function scrape(serviceUrl: string): Promise<Sample[]> {
  // Sent to every service; those with an internal credential need it (docs/security.md).
  const res = await fetch(`${serviceUrl}/metrics`, { headers: { authorization: `Bearer ${PROCESS_INTERNAL_API_TOKEN}` } });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`${serviceUrl}/metrics answered ${res.status}: ${body}`);
  if (!res.headers.get('content-type')?.startsWith('text/plain')) throw new Error(`${serviceUrl}/metrics is ${res.headers.get('content-type')}`);
  return parseExposition(body);
}

/** The samples of `name` whose labels include every one given. */
export function samplesOf(samples: Sample[], name: string, labels: Record<string, string> = {}): Sample[] {
  return samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

/** Scrapes until `accept` returns a value (not undefined), and returns it. */
export async function scrapeUntil<T>(serviceUrl: string, accept: (samples: Sample[]) => T | undefined, timeoutMs = 30000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const samples = await scrape(serviceUrl);
    const found = accept(samples);
    if (found !== undefined) return found;
    if (Date.now() > deadline) {
      const ours = samples.filter((s) => s.name.startsWith('scim_')).map((s) => `${s.name}${JSON.stringify(s.labels)} ${s.value}`);
      throw new Error(`${serviceUrl}/metrics: condition not met within ${timeoutMs} ms; scim_* samples:\n${ours.join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
