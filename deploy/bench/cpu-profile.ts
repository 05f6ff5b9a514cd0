/**
 * Summarises a V8 .cpuprofile (from a service run with SERVICE_NODE_FLAGS="--cpu-prof
 * --cpu-prof-dir=<dir>", see docs/performance.md): self time by package and by function.
 *   node dist/deploy/bench/cpu-profile.js <file.cpuprofile> [top]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Where a frame's code comes from: an npm package, node's own, our source, or the VM. */
export function originOf(url: string, functionName: string): string {
  if (!url) return functionName === '(garbage collector)' ? 'GC' : functionName === '(idle)' ? 'idle' : functionName === '(program)' ? 'program' : 'native';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) return 'node';
  const ours = /\/dist\/((?:apps|libs)\/[^/]+)\//.exec(url);
  return ours ? ours[1] : 'other';
}

export function summarise(profile: CpuProfile, top = 25): { totalMs: number; byOrigin: Array<[string, number]>; byFunction: Array<[string, number]> } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const origin = new Map<string, number>();
  const fn = new Map<string, number>();
  let total = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id)!;
    const { functionName, url, lineNumber } = node.callFrame;
    const o = originOf(url, functionName);
    total += us;
    origin.set(o, (origin.get(o) ?? 0) + us);
    const key = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(node_modules|dist)\//, '$1/')}:${lineNumber + 1}`;
    fn.set(key, (fn.get(key) ?? 0) + us);
  }
  const sorted = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, v]) => [k, Math.round(v / 1000)] as [string, number]);
  return { totalMs: Math.round(total / 1000), byOrigin: sorted(origin), byFunction: sorted(fn) };
}

if (require.main === module) {
  const [file, top] = process.argv.slice(2);
  const summary = summarise(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, Number(top) || 25);
  const pct = (ms: number) => ((100 * ms) / Math.max(1, summary.totalMs)).toFixed(1).padStart(5);
  process.stdout.write(`total sampled: ${summary.totalMs} ms\n\nby origin (self time):\n`);
  for (const [k, v] of summary.byOrigin) process.stdout.write(`${pct(v)} %  ${String(v).padStart(7)} ms  ${k}\n`);
  process.stdout.write('\nby function (self time):\n');
  for (const [k, v] of summary.byFunction) process.stdout.write(`${pct(v)} %  ${String(v).padStart(7)} ms  ${k}\n`);
}
