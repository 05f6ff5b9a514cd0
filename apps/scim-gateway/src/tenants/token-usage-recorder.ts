import { Logger } from '@nestjs/common';

export type LastUsedWriter = (tenantId: string, tokenIds: string[], at: Date) => Promise<void>;

export interface TokenUsageOptions {
  /** A token's last_used_at is written at most once per interval, in the background. */
  intervalMs: number;
  now?: () => number;
}

/**
 * Keeps `tenant_tokens.last_used_at` roughly current without a write per request: a use is
 * noted in memory at most once per interval per token, and the notes are flushed every interval
 * (one UPDATE per tenant) and at shutdown. Best effort: a failed flush is logged and dropped,
 * and the time written is when the use was noted (so it may lag the true last use by up to an
 * interval).
 */
export class TokenUsageRecorder {
  private readonly noted = new Map<string, number>();
  private readonly pending = new Map<string, { tenantId: string; at: number }>();
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();
  private readonly now: () => number;
  private readonly log = new Logger('TokenUsageRecorder');

  constructor(
    private readonly write: LastUsedWriter,
    private readonly options: TokenUsageOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  touch(tenantId: string, tokenId: string): void {
    const now = this.now();
    const last = this.noted.get(tokenId);
    if (last !== undefined && now - last < this.options.intervalMs) return;
    this.noted.set(tokenId, now);
    this.pending.set(tokenId, { tenantId, at: now });
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.flush(), this.options.intervalMs);
    this.timer.unref(); // never what keeps a process (the CLI, a test) alive
  }

  /** Writes what is pending; concurrent calls queue behind each other. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.writePending());
    return this.flushing;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  private async writePending(): Promise<void> {
    if (this.pending.size === 0) return;
    const byTenant = new Map<string, { tokenIds: string[]; at: number }>();
    for (const [tokenId, { tenantId, at }] of this.pending) {
      const group = byTenant.get(tenantId) ?? { tokenIds: [], at: 0 };
      group.tokenIds.push(tokenId);
      group.at = Math.max(group.at, at);
      byTenant.set(tenantId, group);
    }
    this.pending.clear();
    for (const [tenantId, { tokenIds, at }] of byTenant) {
      try {
        await this.write(tenantId, tokenIds, new Date(at));
      } catch (error) {
        this.log.warn(`could not record token use for tenant ${tenantId}: ${(error as Error).message}`);
      }
    }
  }
}
