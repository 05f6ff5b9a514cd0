import http from 'node:http';
import type { ProvisionedTenant } from '../local/admin-client';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';

/** What one create of a burst got back: a status, or the transport error when there was none. */
export interface CreateOutcome {
  tenantId: string;
  userName: string;
  /** 0 when no HTTP answer came (connection refused or reset, timeout). */
  status: number;
  id?: string;
  /** ECONNREFUSED, ECONNRESET, timeout, … when status is 0. */
  error?: string;
  retryAfter?: string;
  /** ms since the burst started, when the answer (or error) came. */
  at: number;
}

/** A 201 is decided and durable; anything but a 4xx may or may not have been applied. */
export function isAmbiguous(o: CreateOutcome): boolean {
  return o.status === 0 || o.status >= 500;
}

export interface BurstOptions {
  tenants: ProvisionedTenant[];
  /** Requests in flight across all tenants. */
  concurrency: number;
  /** Stop after this many creates (default: until stop()). */
  total?: number;
  /** Distinguishes the userNames of this burst from others on the same tenants. */
  label: string;
  requestTimeoutMs?: number;
}

/**
 * Entra-shaped creates spread round robin over tenants, at a fixed number in flight, recording
 * every outcome, including the ones that got no HTTP answer at all. Used by the chaos suite and
 * the fault tests, which then check what the outcomes promised against the stores and topics.
 */
export class CreateBurst {
  readonly outcomes: CreateOutcome[] = [];
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 1024 });
  private sent = 0;
  private stopped = false;
  private startedAt = 0;
  private running?: Promise<void>;

  constructor(private readonly options: BurstOptions) {}

  start(): this {
    this.startedAt = performance.now();
    this.running = Promise.all(Array.from({ length: this.options.concurrency }, () => this.worker())).then(() => undefined);
    return this;
  }

  /** Lets the requests in flight finish, sends no more. */
  async stop(): Promise<CreateOutcome[]> {
    this.stopped = true;
    await this.running;
    this.agent.destroy();
    return this.outcomes;
  }

  /** Resolves once the burst sent everything (with `total`) and every answer is in. */
  async finished(): Promise<CreateOutcome[]> {
    await this.running;
    this.agent.destroy();
    return this.outcomes;
  }

  get elapsedMs(): number {
    return performance.now() - this.startedAt;
  }

  count(predicate: (o: CreateOutcome) => boolean): number {
    return this.outcomes.reduce((n, o) => n + (predicate(o) ? 1 : 0), 0);
  }

  /** Resolves when `predicate` holds for `n` outcomes recorded after `since` (ms since start), or rejects at the deadline. */
  async waitFor(n: number, predicate: (o: CreateOutcome) => boolean, timeoutMs: number, since = 0): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.count((o) => o.at >= since && predicate(o)) < n) {
      if (Date.now() > deadline) throw new Error(`burst: fewer than ${n} matching outcomes within ${timeoutMs} ms (${this.summary()})`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  summary(): string {
    const by = new Map<string, number>();
    for (const o of this.outcomes) {
      const key = o.status === 0 ? (o.error ?? 'error') : String(o.status);
      by.set(key, (by.get(key) ?? 0) + 1);
    }
    return [...by].map(([k, v]) => `${v} × ${k}`).join(', ');
  }

  private async worker(): Promise<void> {
    const { tenants, total, label } = this.options;
    while (!this.stopped && (total === undefined || this.sent < total)) {
      const n = this.sent++;
      const tenant = tenants[n % tenants.length];
      const userName = `chaos.${label}.${n}@example.com`;
      const outcome = await this.create(tenant, userName, n);
      this.outcomes.push(outcome);
      // As a well-behaved client: wait what Retry-After says (at most 5 s here), and don't spin
      // on refused connections while the gateway is away.
      if ((outcome.status === 429 || outcome.status === 503) && outcome.retryAfter) await sleep(Math.min(5, Number(outcome.retryAfter) || 1) * 1000);
      else if (outcome.status === 0) await sleep(100);
    }
  }

  private create(tenant: ProvisionedTenant, userName: string, n: number): Promise<CreateOutcome> {
    const body = Buffer.from(
      JSON.stringify({
        schemas: [USER_SCHEMA],
        userName,
        externalId: `${this.options.label}-${n}`,
        active: true,
        name: { givenName: 'Chaos', familyName: `User ${n}` },
        emails: [{ type: 'work', value: userName, primary: true }],
      }),
    );
    const base = { tenantId: tenant.tenantId, userName };
    return new Promise((resolve) => {
      const done = (o: Omit<CreateOutcome, 'tenantId' | 'userName' | 'at'>) => resolve({ ...base, ...o, at: performance.now() - this.startedAt });
      const req = http.request(
        `${tenant.scimUrl}/Users`,
        {
          method: 'POST',
          agent: this.agent,
          timeout: this.options.requestTimeoutMs ?? 30_000,
          headers: { authorization: `Bearer ${tenant.token}`, 'content-type': 'application/scim+json', 'content-length': body.length },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (err) => done({ status: 0, error: (err as NodeJS.ErrnoException).code ?? err.message }));
          res.on('end', () => {
            let id: string | undefined;
            try {
              id = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id?: string }).id;
            } catch {
              id = undefined;
            }
            const retryAfter = res.headers['retry-after'];
            done({ status: res.statusCode ?? 0, ...(res.statusCode === 201 ? { id } : {}), ...(retryAfter ? { retryAfter: String(retryAfter) } : {}) });
          });
        },
      );
      req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
      req.on('error', (err) => done({ status: 0, error: (err as NodeJS.ErrnoException).code ?? err.message }));
      req.end(body);
    });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
