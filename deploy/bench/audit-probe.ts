import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { AuditRoutes, type AuditedRequest, type AuditPage, type SummaryPage } from '@app/contracts';
import type { ProvisionedTenant } from '../local/admin-client';
import { round, Samples } from './stats';

const agent = new http.Agent({ keepAlive: true, maxSockets: 20 });

/** GET on the audit log's query API with the ops credential. */
function auditGet<T>(auditUrl: string, token: string, path: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const req = http.request(auditUrl + path, { agent, headers: { authorization: `Bearer ${token}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode !== 200) reject(new Error(`audit ${path} answered ${res.statusCode}: ${text}`));
        else resolve(JSON.parse(text) as T);
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** One SCIM call with a client-request-id, resolved when the answer is complete. */
function markedGet(tenant: ProvisionedTenant, path: string, clientRequestId: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(tenant.scimUrl + path, { agent, headers: { authorization: `Bearer ${tenant.token}`, 'client-request-id': clientRequestId } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * Measures the audit lag as a user of the audit log sees it: every `intervalMs`, one marked SCIM
 * request is answered, then the query API is polled (every 50 ms) until that request is
 * queryable. The lag is from the answer's last byte to the first poll that finds it.
 */
export class AuditLagProbe {
  private running = false;
  private loop?: Promise<void>;
  readonly lag = new Samples();
  notFound = 0;
  requests = 0;

  constructor(
    private readonly auditUrl: string,
    private readonly token: string,
    private readonly tenant: ProvisionedTenant,
    private readonly path: string,
    private readonly intervalMs = 500,
    private readonly giveUpMs = 120_000,
  ) {}

  start(): void {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        const started = Date.now();
        await this.sampleOnce();
        await new Promise((r) => setTimeout(r, Math.max(0, this.intervalMs - (Date.now() - started))));
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async sampleOnce(): Promise<void> {
    const id = randomUUID();
    await markedGet(this.tenant, this.path, id);
    this.requests++;
    const answered = performance.now();
    const deadline = answered + this.giveUpMs;
    while (performance.now() < deadline) {
      const page = await auditGet<AuditPage<AuditedRequest>>(this.auditUrl, this.token, `${AuditRoutes.requests}?clientRequestId=${id}&limit=1`);
      if (page.items.length > 0) {
        this.lag.add(performance.now() - answered);
        return;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    this.notFound++;
  }

  summary() {
    return { samples: this.lag.count, lagMs: this.lag.summary(), notQueryableWithin120s: this.notFound };
  }
}

/** How many requests of these tenants since `fromIso` the audit log can answer for. */
export async function auditedRequestCount(auditUrl: string, token: string, tenantIds: readonly string[], fromIso: string): Promise<number> {
  let total = 0;
  for (const tenantId of tenantIds) {
    const summary = await auditGet<SummaryPage>(auditUrl, token, `${AuditRoutes.summaries}?tenantId=${tenantId}&bucket=1d&from=${encodeURIComponent(fromIso)}`);
    total += summary.items.reduce((n, i) => n + i.requests, 0);
  }
  return total;
}

/** Seconds from `sinceMs` until the audit log holds `expected` requests of the tenants (null if not within the timeout). */
export async function secondsUntilAudited(
  auditUrl: string,
  token: string,
  tenantIds: readonly string[],
  fromIso: string,
  expected: number,
  sinceMs: number,
  timeoutMs = 300_000,
): Promise<{ seconds: number | null; audited: number }> {
  let audited = 0;
  while (Date.now() < sinceMs + timeoutMs) {
    audited = await auditedRequestCount(auditUrl, token, tenantIds, fromIso);
    if (audited >= expected) return { seconds: round((Date.now() - sinceMs) / 1000, 2), audited };
    await new Promise((r) => setTimeout(r, 250));
  }
  return { seconds: null, audited };
}
