import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from './stack';

const run = promisify(execFile);

export interface KafkaNodeOptions {
  /** Client port (127.0.0.1). */
  port: number;
  controllerPort: number;
  /** Storage, configuration, pid file and log of this node; kept across restarts. */
  runDir: string;
}

/**
 * One KRaft node of our own (deploy/local/kafka.sh), for what must not touch a shared broker:
 * the chaos suite and the tests that kill and restart Kafka. Its storage outlives a kill, so a
 * restarted node has every acknowledged record, like a real broker coming back.
 */
export class KafkaNode {
  constructor(readonly options: KafkaNodeOptions) {}

  get brokers(): string {
    return `127.0.0.1:${this.options.port}`;
  }

  get logFile(): string {
    return join(this.options.runDir, 'kafka.log');
  }

  /** Starts the node in the background and waits until it answers metadata requests. */
  async start(): Promise<void> {
    await this.script('start');
  }

  /** Stops it gracefully (SIGTERM, SIGKILL after 30 s). */
  async stop(): Promise<void> {
    await this.script('stop');
  }

  /** The broker's pid while it runs. */
  pid(): number | undefined {
    const file = join(this.options.runDir, 'kafka.pid');
    if (!existsSync(file)) return undefined;
    const pid = Number(readFileSync(file, 'utf8').trim());
    try {
      process.kill(pid, 0);
      return pid;
    } catch {
      return undefined;
    }
  }

  /** Sends a signal to the broker (SIGKILL: a crash; SIGSTOP/SIGCONT: a stall). */
  signal(signal: NodeJS.Signals): void {
    const pid = this.pid();
    if (pid === undefined) throw new Error(`Kafka node on port ${this.options.port} is not running`);
    process.kill(pid, signal);
  }

  /** SIGKILL, then waits until the process is gone. */
  async kill(): Promise<void> {
    const pid = this.pid();
    if (pid === undefined) return;
    process.kill(pid, 'SIGKILL');
    for (let i = 0; i < 100 && this.pid() !== undefined; i++) await new Promise((r) => setTimeout(r, 100));
  }

  private async script(command: 'start' | 'stop'): Promise<void> {
    await run('bash', [join(PROJECT_ROOT, 'deploy', 'local', 'kafka.sh'), command], {
      env: {
        ...process.env,
        KAFKA_PORT: String(this.options.port),
        KAFKA_CONTROLLER_PORT: String(this.options.controllerPort),
        KAFKA_RUN_DIR: this.options.runDir,
      },
      timeout: 180_000,
    });
  }
}
