import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { AuditRoutes, type AuditedTenant, type TenantHealth } from '@app/contracts';
import { ROOT } from './support/test-infra';
import { HeadlessChromium, screenshot, waitForText } from './support/chromium';
import { scrape, samplesOf } from './support/metrics-scrape';
import { uniqueId } from './support/names';
import { ScimStack } from './support/scim-stack';

/**
 * A tenant driven into quarantine risk: failing requests, then its token revoked. The audit log's
 * health names the state and the reason in the API, on the dashboard (real Chromium), and in the
 * metric the alert rule reads, evaluated by `promtool test rules` against the rule file.
 */
const stack = new ScimStack();
/** As deploy/local/promtool.sh finds it: PROMTOOL_PATH, Debian's /usr/bin/promtool, or the one it extracted into .run/tools. */
const PROMTOOL = process.env.PROMTOOL_PATH || (existsSync('/usr/bin/promtool') ? '/usr/bin/promtool' : join(ROOT, '.run', 'tools', 'promtool'));
let browser: HeadlessChromium | undefined;
let page: Page;
const tenantName = uniqueId('Contoso');

beforeAll(async () => {
  await stack.start({}, { audit: true, auditEnv: { AUDIT_HEALTH_SAMPLE_INTERVAL_MS: '1000' } });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack.stop();
}, 60_000);

async function admin<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(stack.gatewayUrl + path, {
    method,
    headers: { authorization: `Bearer ${stack.adminToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

async function audit<T>(path: string): Promise<T> {
  const res = await fetch(stack.auditUrl + path, { headers: { authorization: `Bearer ${stack.auditOpsToken}` } });
  if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}; last: ${String(last)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe('tenant health', () => {
  let tenantId = '';
  let token = '';

  it('drives a tenant into quarantine risk with failing requests and a revoked token', async () => {
    tenantId = (await admin<{ id: string }>('POST', '/admin/v1/tenants', { name: tenantName, profile: {} })).id;
    const issued = await admin<{ tokenId: string; token: string }>('POST', `/admin/v1/tenants/${tenantId}/tokens`, { name: 'entra' });
    token = issued.token;
    const scim = (path: string) => fetch(`${stack.gatewayUrl}/scim/v2${path}`, { headers: { authorization: `Bearer ${token}` } });
    expect((await scim('/Users?count=1')).status).toBe(200);
    for (let i = 0; i < 4; i++) expect((await scim(`/Users?filter=${encodeURIComponent('userName eq')}`)).status).toBe(400);
    await admin('DELETE', `/admin/v1/tenants/${tenantId}/tokens/${issued.tokenId}`);
    for (let i = 0; i < 8; i++) expect((await scim('/Users?count=1')).status).toBe(401);
  });

  it('shows the tenant by its registry name, with the state and reason, in the query API', async () => {
    // A 401 names no tenant in its record; the gateway attributes it when the token is known but revoked.
    const health = await eventually('the health says quarantine risk', async () => {
      const [h] = await audit<TenantHealth[]>(`${AuditRoutes.health}?tenantId=${tenantId}`);
      return h && h.state === 'quarantine-risk' && h.name === tenantName ? h : undefined;
    });
    expect(health.reasons[0]).toMatchObject({ code: 'credentials-rejected', state: 'quarantine-risk' });
    expect(health.shares.client).toBeGreaterThan(0);
    expect(health.shares.unauthorized).toBeGreaterThan(0);
    expect(health.lastSuccessAt).not.toBeNull();
    const tenants = await audit<AuditedTenant[]>(AuditRoutes.tenants);
    expect(tenants.find((t) => t.tenantId === tenantId)?.name).toBe(tenantName);
  });

  it('puts the state in the metric the alert rule reads, and the rule fires (promtool test rules)', async () => {
    const samples = await eventually('the health gauge is at 2', async () => {
      const s = samplesOf(await scrape(stack.auditUrl), 'scim_tenant_health_state').filter((x) => x.labels.tenant_id === tenantId);
      return s.some((x) => x.value === 2) ? s : undefined;
    });
    const labels = samples.find((x) => x.value === 2)!.labels;
    expect(labels).toMatchObject({ tenant: tenantName, reason: 'credentials-rejected' });
    if (!existsSync(PROMTOOL)) {
      // `npm test` puts promtool in place (deploy/local/promtool.sh); a bare jest run without it checks the metric above, which is what the rule reads.
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'alerts-'));
    const series = `scim_tenant_health_state{${Object.entries(labels)
      .map(([k, v]) => `${k}="${v}"`)
      .join(',')}}`;
    writeFileSync(
      join(dir, 'test.yml'),
      JSON.stringify({
        rule_files: [join(ROOT, 'deploy', 'prometheus', 'alerts.yml')],
        evaluation_interval: '1m',
        tests: [
          {
            interval: '1m',
            input_series: [{ series, values: `${samples.find((x) => x.value === 2)!.value}x10` }],
            alert_rule_test: [
              {
                eval_time: '10m',
                alertname: 'ScimTenantQuarantineRisk',
                exp_alerts: [
                  {
                    exp_labels: { severity: 'page', tenant_id: tenantId, tenant: tenantName, reason: 'credentials-rejected' },
                    exp_annotations: {
                      summary: `Tenant ${tenantName} is at risk of Entra quarantine (credentials-rejected)`,
                      description: `The audit log's health of tenant ${tenantId} says quarantine risk, reason credentials-rejected. See GET /audit/v1/health?tenantId=${tenantId} or the dashboard.`,
                    },
                  },
                ],
              },
            ],
          },
        ],
      }),
    );
    const out = execFileSync(PROMTOOL, ['test', 'rules', join(dir, 'test.yml')], { encoding: 'utf8' });
    expect(out).toContain('SUCCESS');
  });

  it('shows the state and reason on the dashboard in Chromium', async () => {
    browser = await HeadlessChromium.launch();
    page = await browser.newPage();
    try {
      await page.goto(`${stack.auditUrl}${AuditRoutes.dashboard}`);
      await page.getByTestId('token-input').fill(stack.auditOpsToken);
      await page.getByTestId('signin-submit').click();
      const row = page.locator(`[data-testid="health-row"][data-tenant-id="${tenantId}"]`);
      await waitForText(row.getByTestId('health-tenant'), new RegExp(tenantName));
      await waitForText(row.getByTestId('health-state'), /quarantine risk/);
      await waitForText(row.getByTestId('health-reason'), /credentials rejected: \d+ of \d+ requests answered 401/);
    } catch (err) {
      const file = await screenshot(page, 'tenant-health').catch(() => undefined);
      if (file && err instanceof Error) err.message += `\n(screenshot: ${file})`;
      throw err;
    }
  });
});
