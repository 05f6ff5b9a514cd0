import { ChildProcess, spawn } from 'node:child_process';
import { fstatSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ROOT } from './test-infra';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** A service running as its own OS process, so tests can SIGKILL or SIGTERM it like a real crash or stop. */
export class ServiceProcess {
  readonly exited: Promise<number | null>;
  private exitCode: number | null | undefined;
  private readonly child: ChildProcess;
  /** Where this process's output starts in its log file (a restarted service appends to the same file). */
  private readonly logStart: number;

  private constructor(
    readonly name: string,
    readonly url: string,
    readonly logFile: string,
    args: string[],
    env: Record<string, string>,
  ) {
    mkdirSync(join(ROOT, '.run', 'test-logs'), { recursive: true });
    const out = openSync(logFile, 'a');
    this.logStart = fstatSync(out).size;
    this.child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', out, out],
    });
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => {
        this.exitCode = code ?? (signal ? null : code);
        resolve(this.exitCode);
      }),
    );
  }

  /** A service from dist/ (built by globalSetup), exactly as `npm run up` starts it. */
  static built(app: string, env: Record<string, string>, logName: string): ServiceProcess {
    const url = `http://127.0.0.1:${env.HTTP_PORT}`;
    const logFile = join(ROOT, '.run', 'test-logs', `${logName}.log`);
    return new ServiceProcess(app, url, logFile, ['-r', 'tsconfig-paths/register', join(ROOT, 'dist', 'apps', app, 'src', 'main.js')], {
      ...env,
      TS_NODE_BASEURL: join(ROOT, 'dist'),
    });
  }

  /** A test fixture service written in TypeScript under test/. */
  static fixture(file: string, env: Record<string, string>, logName: string): ServiceProcess {
    const url = `http://127.0.0.1:${env.HTTP_PORT}`;
    const logFile = join(ROOT, '.run', 'test-logs', `${logName}.log`);
    return new ServiceProcess(file, url, logFile, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', join(ROOT, file)], {
      ...env,
      TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'),
    });
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  async waitReady(timeoutMs = 60000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`${this.name} exited (${this.exitCode}) before ready:\n${this.logTail()}`);
      try {
        // Ready only when this process says so too: a free port found twice by freePort() can put
        // another service on this URL, whose health would otherwise pass for this one's.
        const res = await fetch(`${this.url}/health/ready`);
        if (res.ok && this.saidReady()) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`${this.name} not ready within ${timeoutMs} ms:\n${this.logTail()}`);
  }

  async kill(signal: NodeJS.Signals): Promise<number | null> {
    if (this.running) this.child.kill(signal);
    return this.exited;
  }

  /** Whether this process (not an earlier one with the same log) logged its bootstrap's `ready` line. */
  private saidReady(): boolean {
    return readFileSync(this.logFile)
      .subarray(this.logStart)
      .toString('utf8')
      .split('\n')
      .some((l) => l.includes('"component":"bootstrap"') && l.includes('"message":"ready"'));
  }

  log(): string {
    return readFileSync(this.logFile, 'utf8');
  }

  logLines(): Array<Record<string, unknown>> {
    return this.log()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  }

  logTail(lines = 30): string {
    try {
      return this.log().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }
}
