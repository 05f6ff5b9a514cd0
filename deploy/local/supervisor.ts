import { ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { closeSync, openSync, writeSync } from 'node:fs';

/** One process the supervisor keeps running. */
export interface ProcessSpec {
  name: string;
  command: string;
  args: string[];
  env: Record<string, string | undefined>;
  cwd: string;
  /** stdout and stderr are appended here; the supervisor's own lines about the process too. */
  logFile: string;
  /** Answers whether the process does its work (e.g. GET /health/ready); shown by status. */
  ready?: () => Promise<boolean>;
  /** Longest graceful stop before SIGKILL. */
  stopTimeoutMs?: number;
}

export type ProcessState = 'running' | 'backoff' | 'crash-loop' | 'held' | 'stopped';

export interface ProcessStatus {
  name: string;
  pid?: number;
  state: ProcessState;
  /** Restarts after an exit nobody asked for. */
  restarts: number;
  startedAt?: string;
  lastExit?: { code: number | null; signal: string | null; at: string };
  /** When the next start is due (backoff or hold). */
  nextStartAt?: string;
}

export interface SupervisorOptions {
  /** First restart delay; doubles per consecutive crash up to `maxBackoffMs`. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** A process up this long has its backoff reset. */
  stableAfterMs?: number;
  /** This many restarts within `crashLoopWindowMs` is a crash loop: reported, still retried at the longest backoff. */
  crashLoopRestarts?: number;
  crashLoopWindowMs?: number;
  /** The supervisor's own report lines (crash loops, restarts). */
  log?: (line: string, fields?: Record<string, unknown>) => void;
  now?: () => number;
}

interface Entry {
  spec: ProcessSpec;
  child?: ChildProcess;
  status: ProcessStatus;
  /** Exit times within the crash-loop window. */
  crashes: number[];
  consecutive: number;
  timer?: NodeJS.Timeout;
  stableTimer?: NodeJS.Timeout;
  /** Set while a stop was asked for (restart, hold, shutdown): its exit is not a crash. */
  stopping?: Promise<void>;
  envOverrides: Record<string, string>;
}

/**
 * Keeps a set of processes running, as `npm run up` (and the chaos suite) need: a process that
 * exits without being asked to is started again after a backoff (0.5 s, doubling to 30 s, reset
 * once it has been up for a minute), every restart is counted and written to its log, and a
 * process that keeps dying is reported as a crash loop rather than restarted silently forever.
 * Emits 'change' whenever a process's status changes.
 */
export class Supervisor extends EventEmitter {
  private readonly entries = new Map<string, Entry>();
  private stopped = false;
  private readonly options: Required<Omit<SupervisorOptions, 'log'>> & Pick<SupervisorOptions, 'log'>;

  constructor(specs: ProcessSpec[], options: SupervisorOptions = {}) {
    super();
    this.options = {
      initialBackoffMs: options.initialBackoffMs ?? 500,
      maxBackoffMs: options.maxBackoffMs ?? 30_000,
      stableAfterMs: options.stableAfterMs ?? 60_000,
      crashLoopRestarts: options.crashLoopRestarts ?? 5,
      crashLoopWindowMs: options.crashLoopWindowMs ?? 120_000,
      now: options.now ?? Date.now,
      log: options.log,
    };
    for (const spec of specs) this.add(spec);
  }

  /** Adds a process (started at once if the supervisor runs). */
  add(spec: ProcessSpec): void {
    if (this.entries.has(spec.name)) throw new Error(`a process named ${spec.name} is supervised already`);
    this.entries.set(spec.name, { spec, status: { name: spec.name, state: 'stopped', restarts: 0 }, crashes: [], consecutive: 0, envOverrides: {} });
  }

  /** Starts every process that is not running, in the order given. */
  startAll(): void {
    this.stopped = false;
    for (const entry of this.entries.values()) if (!entry.child) this.launch(entry);
  }

  start(name: string): void {
    const entry = this.entry(name);
    clearTimeout(entry.timer);
    if (!entry.child) this.launch(entry);
  }

  status(): ProcessStatus[] {
    return [...this.entries.values()].map((e) => ({ ...e.status }));
  }

  pid(name: string): number | undefined {
    return this.entry(name).child?.pid;
  }

  /** Sends a signal to a process (SIGKILL: a crash the supervisor answers; SIGSTOP/SIGCONT: a stall). */
  signal(name: string, signal: NodeJS.Signals): void {
    const child = this.entry(name).child;
    if (!child?.pid) throw new Error(`${name} is not running`);
    process.kill(child.pid, signal);
  }

  /** Stops a process gracefully and starts it again, with `env` added to its environment from now on. */
  async restart(name: string, env: Record<string, string> = {}): Promise<void> {
    const entry = this.entry(name);
    entry.envOverrides = { ...entry.envOverrides, ...env };
    await this.stopEntry(entry);
    entry.consecutive = 0;
    if (!this.stopped) this.launch(entry);
  }

  /** Stops a process and keeps it down for `ms` (an outage of that part), then starts it again. */
  async hold(name: string, ms: number): Promise<void> {
    const entry = this.entry(name);
    await this.stopEntry(entry, 'SIGKILL');
    this.update(entry, { state: 'held', pid: undefined, nextStartAt: new Date(this.options.now() + ms).toISOString() });
    entry.timer = setTimeout(() => {
      if (!this.stopped) this.launch(entry);
    }, ms);
  }

  /** Stops every process (SIGTERM, SIGKILL after its stop timeout), last started first. */
  async stopAll(): Promise<void> {
    this.stopped = true;
    for (const entry of [...this.entries.values()].reverse()) {
      clearTimeout(entry.timer);
      clearTimeout(entry.stableTimer);
      await this.stopEntry(entry);
      this.update(entry, { state: 'stopped', pid: undefined, nextStartAt: undefined });
    }
  }

  /** Resolves when the process answers its readiness probe (or rejects at the deadline). */
  async waitReady(name: string, timeoutMs: number): Promise<void> {
    const entry = this.entry(name);
    const deadline = this.options.now() + timeoutMs;
    while (this.options.now() < deadline) {
      if (entry.child && (await (entry.spec.ready?.().catch(() => false) ?? Promise.resolve(true)))) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`${name} not ready within ${timeoutMs} ms (${entry.status.state})`);
  }

  private entry(name: string): Entry {
    const entry = this.entries.get(name);
    if (!entry) throw new Error(`no process named ${name}`);
    return entry;
  }

  private launch(entry: Entry): void {
    entry.timer = undefined;
    const { spec } = entry;
    const out = openSync(spec.logFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn(spec.command, spec.args, { cwd: spec.cwd, env: { ...spec.env, ...entry.envOverrides }, stdio: ['ignore', out, out] });
    } finally {
      closeSync(out);
    }
    entry.child = child;
    const startedAt = this.options.now();
    // A process in a crash loop stays reported as one until it has stayed up for a while.
    this.update(entry, {
      state: entry.status.state === 'crash-loop' ? 'crash-loop' : 'running',
      pid: child.pid,
      startedAt: new Date(startedAt).toISOString(),
      nextStartAt: undefined,
    });
    clearTimeout(entry.stableTimer);
    entry.stableTimer = setTimeout(() => {
      if (entry.child !== child) return;
      entry.consecutive = 0;
      entry.crashes = [];
      if (entry.status.state !== 'crash-loop') return;
      this.note(entry, `stable again after ${Math.round(this.options.stableAfterMs / 1000)} s up`);
      this.update(entry, { state: 'running' });
    }, this.options.stableAfterMs);
    entry.stableTimer.unref();
    child.once('error', (err) => this.note(entry, `could not start: ${err.message}`));
    child.once('exit', (code, signal) => this.exited(entry, child, startedAt, code, signal));
  }

  private exited(entry: Entry, child: ChildProcess, startedAt: number, code: number | null, signal: NodeJS.Signals | null): void {
    if (entry.child !== child) return;
    entry.child = undefined;
    const now = this.options.now();
    const lastExit = { code, signal, at: new Date(now).toISOString() };
    if (entry.stopping || this.stopped) {
      this.update(entry, { lastExit, pid: undefined });
      return;
    }
    // An exit nobody asked for: restart with backoff.
    clearTimeout(entry.stableTimer);
    if (now - startedAt >= this.options.stableAfterMs) entry.consecutive = 0;
    entry.consecutive += 1;
    entry.crashes = [...entry.crashes.filter((t) => now - t < this.options.crashLoopWindowMs), now];
    const crashLoop = entry.crashes.length >= this.options.crashLoopRestarts;
    const delay = crashLoop ? this.options.maxBackoffMs : Math.min(this.options.maxBackoffMs, this.options.initialBackoffMs * 2 ** (entry.consecutive - 1));
    if (crashLoop && entry.status.state !== 'crash-loop') {
      this.note(
        entry,
        `CRASH LOOP: ${entry.crashes.length} exits within ${Math.round(this.options.crashLoopWindowMs / 1000)} s; restarting every ${Math.round(delay / 1000)} s until it stays up — see this log`,
        { code, signal },
      );
    }
    this.update(entry, {
      state: crashLoop ? 'crash-loop' : 'backoff',
      pid: undefined,
      lastExit,
      restarts: entry.status.restarts + 1,
      nextStartAt: new Date(now + delay).toISOString(),
    });
    this.note(entry, `exited (code ${code}, signal ${signal}); restart ${entry.status.restarts} in ${delay} ms`);
    entry.timer = setTimeout(() => {
      if (!this.stopped && !entry.child) this.launch(entry);
    }, delay);
  }

  private stopEntry(entry: Entry, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    clearTimeout(entry.timer);
    const child = entry.child;
    if (!child) return Promise.resolve();
    entry.stopping ??= new Promise<void>((resolve) => {
      const killTimer = setTimeout(() => child.kill('SIGKILL'), entry.spec.stopTimeoutMs ?? 30_000);
      child.once('exit', () => {
        clearTimeout(killTimer);
        resolve();
      });
      child.kill(signal);
    }).finally(() => (entry.stopping = undefined));
    return entry.stopping;
  }

  private update(entry: Entry, patch: Partial<ProcessStatus>): void {
    entry.status = { ...entry.status, ...patch };
    for (const key of Object.keys(entry.status) as Array<keyof ProcessStatus>) if (entry.status[key] === undefined) delete entry.status[key];
    this.emit('change', this.status());
  }

  private note(entry: Entry, line: string, fields: Record<string, unknown> = {}): void {
    const record = {
      time: new Date(this.options.now()).toISOString(),
      level: line.startsWith('CRASH LOOP') ? 'error' : 'warn',
      service: entry.spec.name,
      component: 'supervisor',
      message: line,
      ...fields,
    };
    try {
      const fd = openSync(entry.spec.logFile, 'a');
      writeSync(fd, JSON.stringify(record) + '\n');
      closeSync(fd);
    } catch {
      // the log is a convenience; the status still says what happened
    }
    this.options.log?.(`${entry.spec.name}: ${line}`, fields);
  }
}
