import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProcessSpec, Supervisor } from './supervisor';

/** Real child processes (node -e …), short backoffs: the restart policy as `npm run up` applies it. */
describe('Supervisor', () => {
  let dir: string;
  let supervisor: Supervisor | undefined;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'supervisor-spec-'))));
  afterEach(async () => {
    await supervisor?.stopAll();
    rmSync(dir, { recursive: true, force: true });
  });

  const spec = (name: string, script: string, env: Record<string, string> = {}): ProcessSpec => ({
    name,
    command: process.execPath,
    args: ['-e', script],
    env: { PATH: process.env.PATH, ...env },
    cwd: dir,
    logFile: join(dir, `${name}.log`),
    stopTimeoutMs: 2_000,
  });
  const until = async (check: () => boolean, ms = 5_000) => {
    const deadline = Date.now() + ms;
    while (!check()) {
      if (Date.now() > deadline) throw new Error('condition not met in time');
      await new Promise((r) => setTimeout(r, 10));
    }
  };

  it('starts a process that died again, counting the restart and noting it in the process log', async () => {
    supervisor = new Supervisor([spec('svc', 'setInterval(() => {}, 1000)')], { initialBackoffMs: 20 });
    supervisor.startAll();
    const firstPid = supervisor.pid('svc')!;
    process.kill(firstPid, 'SIGKILL');
    await until(() => supervisor!.pid('svc') !== undefined && supervisor!.pid('svc') !== firstPid);
    const [status] = supervisor.status();
    expect(status).toMatchObject({ name: 'svc', state: 'running', restarts: 1, lastExit: { code: null, signal: 'SIGKILL' } });
    expect(readFileSync(join(dir, 'svc.log'), 'utf8')).toMatch(/exited \(code null, signal SIGKILL\); restart 1 in 20 ms/);
  });

  it('reports a process that keeps dying as a crash loop, and keeps retrying it', async () => {
    supervisor = new Supervisor([spec('bad', 'process.exit(3)')], { initialBackoffMs: 5, maxBackoffMs: 50, crashLoopRestarts: 3, crashLoopWindowMs: 60_000 });
    supervisor.startAll();
    await until(() => supervisor!.status()[0].restarts >= 4);
    const [status] = supervisor.status();
    expect(status.state).toBe('crash-loop');
    expect(status.lastExit?.code).toBe(3);
    expect(readFileSync(join(dir, 'bad.log'), 'utf8')).toMatch(/CRASH LOOP: 3 exits within 60 s/);
  });

  it('does not restart what it was asked to stop, restarts with new environment on request, and holds a process down', async () => {
    const marker = join(dir, 'env.txt');
    supervisor = new Supervisor([spec('svc', `require('fs').writeFileSync(${JSON.stringify(marker)}, process.env.MODE ?? 'none'); setInterval(() => {}, 1000)`)], {
      initialBackoffMs: 20,
    });
    supervisor.startAll();
    await until(() => safeRead(marker) === 'none');
    await supervisor.restart('svc', { MODE: 'off' });
    await until(() => safeRead(marker) === 'off');
    expect(supervisor.status()[0].restarts).toBe(0); // asked for: not a crash

    writeFileSync(marker, '');
    await supervisor.hold('svc', 300);
    expect(supervisor.status()[0]).toMatchObject({ state: 'held' });
    expect(supervisor.pid('svc')).toBeUndefined();
    await until(() => safeRead(marker) === 'off', 3_000);
    expect(supervisor.status()[0]).toMatchObject({ state: 'running', restarts: 0 });

    const pid = supervisor.pid('svc')!;
    await supervisor.stopAll();
    expect(supervisor.status()[0].state).toBe('stopped');
    expect(() => process.kill(pid, 0)).toThrow();
  });
});

function safeRead(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
