import { readdirSync, readFileSync } from 'node:fs';

/** Linux's USER_HZ: /proc times are in 1/100 s on every platform Node supports here. */
const TICKS_PER_SECOND = 100;

/** CPU time (user + system) of one process so far, in ms; undefined when it is gone. */
export function processCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: fields are counted after its ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return ((utime + stime) * 1000) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** Every running process whose command name is `comm` (e.g. all of Postgres' server processes). */
export function pidsNamed(comm: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === comm) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** Busy and total CPU time of the whole machine so far (ms), from /proc/stat. */
export function machineCpuMs(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  const busy = user + nice + system + irq + softirq + steal;
  return { busy: (busy * 1000) / TICKS_PER_SECOND, total: ((busy + idle + iowait) * 1000) / TICKS_PER_SECOND };
}

export type CpuGroups = Record<string, () => number[]>;

/**
 * CPU used by named groups of processes between start() and stop(), from /proc: steadier than
 * wall-clock time on a shared machine, and per process, so a change's effect on each part shows.
 * A group is re-resolved at each reading (Postgres forks a backend per connection); a process
 * that exits in between loses its share (rare during a bench). `client` is this process.
 */
export class CpuMeter {
  private before = new Map<string, Map<number, number>>();
  private clientBefore = process.cpuUsage();
  private machineBefore = machineCpuMs();

  constructor(private readonly groups: CpuGroups) {}

  start(): this {
    this.before = this.read();
    this.clientBefore = process.cpuUsage();
    this.machineBefore = machineCpuMs();
    return this;
  }

  /** ms of CPU per group (and `client`, `machine busy`, `machine total`) since start(). */
  stop(): Record<string, number> {
    const after = this.read();
    const used: Record<string, number> = {};
    for (const [group, pids] of after) {
      let ms = 0;
      for (const [pid, now] of pids) ms += now - (this.before.get(group)?.get(pid) ?? 0);
      used[group] = ms;
    }
    const client = process.cpuUsage(this.clientBefore);
    used.client = (client.user + client.system) / 1000;
    const machine = machineCpuMs();
    used['machine busy'] = machine.busy - this.machineBefore.busy;
    used['machine total'] = machine.total - this.machineBefore.total;
    return used;
  }

  private read(): Map<string, Map<number, number>> {
    const result = new Map<string, Map<number, number>>();
    for (const [group, pids] of Object.entries(this.groups)) {
      const times = new Map<number, number>();
      for (const pid of pids()) {
        const ms = processCpuMs(pid);
        if (ms !== undefined) times.set(pid, ms);
      }
      result.set(group, times);
    }
    return result;
  }
}

/**
 * The Postgres backends serving the given databases (their process title names the database:
 * "postgres: [cluster:] <user> <database> <client> <state>"), so other databases' work on a shared server is
 * not counted. The server's own processes (WAL writer, checkpointer, autovacuum) are not included.
 */
export function postgresBackendsOf(databases: readonly string[]): number[] {
  const wanted = new Set(databases);
  return pidsNamed('postgres').filter((pid) => {
    try {
      const words = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim().split(/\s+/);
      if (words[0] !== 'postgres:') return false;
      // Debian names the cluster first ("postgres: 15/main: <user> <database> …").
      const [, database] = words[1]?.endsWith(':') ? words.slice(2) : words.slice(1);
      return wanted.has(database ?? '');
    } catch {
      return false;
    }
  });
}
