import type { Page } from 'playwright-core';
import { AuditPage, AuditRoutes, AuditedRequest, AuditedTenant, IssuedAuditCredential, ResourceHistory, SummaryPage } from '@app/contracts';
import { HeadlessChromium, screenshot, waitForText } from './support/chromium';
import { uniqueId } from './support/names';
import { ENTERPRISE, entraUser, patchOp, ScimClient, ScimStack } from './support/scim-stack';

/**
 * The ops dashboard end to end: Entra drives a short sequence through the gateway, the
 * audit-log-service stores the request records and user events, and an operator in headless
 * Chromium signs in with the ops credential and finds all of it on the page.
 */
const stack = new ScimStack();
let browser: HeadlessChromium;
let page: Page;
let entra: ScimClient;

const suffix = uniqueId('dash');
const user: Record<string, unknown> = { ...entraUser(suffix), title: 'Analyst', [ENTERPRISE]: { department: 'Sales' } };
const userName = user.userName as string;
let userId = '';

beforeAll(async () => {
  await stack.start({}, { groups: true, audit: true });
  entra = await stack.tenant({ userExtensions: [ENTERPRISE] });
  browser = await HeadlessChromium.launch();
  page = await browser.newPage();
  page.setDefaultTimeout(30000);
}, 240000);

afterAll(async () => {
  await browser?.close();
  await stack.stop();
});

/** The audit API as ops sees it. */
async function audit<T>(path: string, params: Record<string, string> = {}): Promise<T> {
  const res = await fetch(`${stack.auditUrl}${path}?${new URLSearchParams(params)}`, { headers: { authorization: `Bearer ${stack.auditOpsToken}` } });
  if (!res.ok) throw new Error(`GET ${path} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

/** Polls until `check` returns a value (the audit log consumes Kafka asynchronously). */
async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 90000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`timed out waiting until ${what}${last ? `; last error: ${(last as Error).message}` : ''}`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Runs browser steps; on failure the error names a screenshot of the page. */
async function inBrowser(name: string, steps: () => Promise<void>): Promise<void> {
  try {
    await steps();
  } catch (err) {
    const file = await screenshot(page, name).catch(() => undefined);
    if (file && err instanceof Error) err.message += `\n(screenshot of the page: ${file})`;
    throw err;
  }
}

describe('audit dashboard', () => {
  it('records an Entra sequence through the gateway: lookup, create, PATCH, a 409 and a 400', async () => {
    const lookup = await entra.get(`/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`);
    expect(lookup.status).toBe(200);
    const created = await entra.post('/Users', user);
    expect(created.status).toBe(201);
    userId = created.body.id as string;
    const patched = await entra.patch(
      `/Users/${userId}`,
      patchOp(
        { op: 'Replace', path: 'title', value: 'Principal Engineer' },
        { op: 'Replace', path: 'name.familyName', value: 'updatedFamilyName' },
        { op: 'Replace', path: `${ENTERPRISE}:department`, value: 'Engineering' },
      ),
    );
    expect(patched.status).toBe(200);
    const duplicate = await entra.post('/Users', { ...user, userName: userName.toUpperCase(), externalId: `other-${suffix}` });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.scimType).toBe('uniqueness');
    const badFilter = await entra.get(`/Users?filter=${encodeURIComponent('userName eq')}`);
    expect(badFilter.status).toBe(400);
    expect(badFilter.body.scimType).toBe('invalidFilter');

    const tenantId = entra.id;
    const records = await eventually('the five requests are in the audit log', async () => {
      const page = await audit<AuditPage<AuditedRequest>>(AuditRoutes.requests, { tenantId, limit: '50' });
      return page.items.length >= 5 ? page.items : undefined;
    });
    expect(records.map((r) => r.status).sort()).toEqual([200, 200, 201, 400, 409]);
    await eventually('the PATCH is in the user history', async () => {
      const history = await audit<ResourceHistory>(AuditRoutes.history(tenantId, 'User', userId));
      return history.changes.some((c) => c.differences.some((d) => d.after === 'Principal Engineer')) ? true : undefined;
    });
    await eventually('the summary counts the five requests', async () => {
      const from = new Date(Date.now() - 3600_000).toISOString();
      const summary = await audit<SummaryPage>(AuditRoutes.summaries, { tenantId, bucket: '1m', from });
      return summary.items.reduce((n, i) => n + i.requests, 0) >= 5 ? true : undefined;
    });
    const tenants = await audit<AuditedTenant[] | AuditPage<AuditedTenant>>(AuditRoutes.tenants);
    expect((Array.isArray(tenants) ? tenants : tenants.items).map((t) => t.tenantId)).toContain(tenantId);
  });

  it('refuses a wrong credential, then signs ops in and shows the tenant and its activity', async () => {
    await inBrowser('sign-in-and-activity', async () => {
      await page.goto(`${stack.auditUrl}${AuditRoutes.dashboard}`);
      await page.getByTestId('token-input').fill('not-a-credential');
      await page.getByTestId('signin-submit').click();
      await waitForText(page.getByTestId('signin-error'), /refused/);
      expect(await page.getByTestId('whoami').isVisible()).toBe(false);

      await page.getByTestId('token-input').fill(stack.auditOpsToken);
      await page.getByTestId('signin-submit').click();
      await waitForText(page.getByTestId('whoami'), /ops/);
      await page.locator(`[data-testid="tenant-select"] option[value="${entra.id}"]`).waitFor({ state: 'attached' });
      await page.getByTestId('tenant-select').selectOption(entra.id);

      // Five requests, two of which failed (409 uniqueness and 400 invalidFilter).
      await waitForText(page.getByTestId('activity-requests'), /^5$/);
      await waitForText(page.getByTestId('activity-failures'), /^2$/);
      await waitForText(page.getByTestId('activity-error-rate'), /^40\.0%$/);
      await page.getByTestId('chart-bar').first().waitFor();
      // The chart itself is drawn by uPlot on a canvas, one bucket per minute of the hour.
      await page.locator('[data-testid="activity-chart"] .uplot canvas').first().waitFor();
      expect(await page.getByTestId('activity-chart').getAttribute('data-buckets')).toBe('60');
      const barTotals = await page.getByTestId('chart-bar').evaluateAll((bars) =>
        bars.reduce((sum, bar) => ({ requests: sum.requests + Number(bar.getAttribute('data-requests')), failures: sum.failures + Number(bar.getAttribute('data-failures')) }), {
          requests: 0,
          failures: 0,
        }),
      );
      expect(barTotals).toEqual({ requests: 5, failures: 2 });
      await waitForText(page.getByTestId('failures-by-type'), /uniqueness 1/);
      await waitForText(page.getByTestId('failures-by-type'), /invalidFilter 1/);

      // A day-by-day window counts the same five requests, in one bar.
      await page.getByTestId('window-select').selectOption('7d');
      await waitForText(page.getByTestId('activity-window'), /per day/);
      await waitForText(page.getByTestId('activity-requests'), /^5$/);
      await page.getByTestId('chart-bar').first().waitFor();
      expect(await page.getByTestId('chart-bar').count()).toBe(1);
      await page.getByTestId('window-select').selectOption('1h');
      await waitForText(page.getByTestId('activity-window'), /per minute/);
    });
  });

  it('lists the failed create among the latest failures and opens its request and answer', async () => {
    await inBrowser('latest-failures', async () => {
      const failures = page.getByTestId('failure-row');
      await failures.first().waitFor();
      expect(await failures.count()).toBe(2);
      const conflict = failures.filter({ has: page.getByTestId('row-status').filter({ hasText: /^409$/ }) });
      await conflict.click();
      await waitForText(page.getByTestId('request-scimType'), /^uniqueness$/);
      await waitForText(page.getByTestId('request-method'), /^POST$/);
      await waitForText(page.getByTestId('request-status'), /^409$/);
      const requestBody = JSON.parse((await page.getByTestId('request-body').textContent()) ?? '');
      expect(requestBody).toMatchObject({ userName: userName.toUpperCase(), externalId: `other-${suffix}`, title: 'Analyst' });
      const responseBody = JSON.parse((await page.getByTestId('response-body').textContent()) ?? '');
      expect(responseBody).toMatchObject({ status: '409', scimType: 'uniqueness' });

      const invalid = failures.filter({ has: page.getByTestId('row-status').filter({ hasText: /^400$/ }) });
      await invalid.click();
      await waitForText(page.getByTestId('request-scimType'), /^invalidFilter$/);
      await waitForText(page.getByTestId('request-query'), /filter=userName eq/);
    });
  });

  it("finds the user by userName prefix and shows the PATCH's before and after values", async () => {
    await inBrowser('user-history', async () => {
      await page.getByTestId('user-search-input').fill(`test_user_${suffix}`); // the prefix is case-insensitive
      await page.getByTestId('user-search-submit').click();
      const link = page.getByTestId('user-result-link').filter({ hasText: userName });
      await link.waitFor();
      expect(await page.getByTestId('user-result').count()).toBe(1);
      await link.click();

      await waitForText(page.getByTestId('history-id'), new RegExp(`^${userId}$`));
      await waitForText(page.getByTestId('history-userName'), new RegExp(`^${escapeRegExp(userName)}$`));
      const updated = page.getByTestId('history-change').filter({ has: page.getByTestId('change-type').filter({ hasText: /^scim\.user\.updated$/ }) });
      await updated.first().waitFor();
      const differences = updated.first().getByTestId('difference-row');
      const title = differences.filter({ has: page.getByTestId('difference-after').filter({ hasText: 'Principal Engineer' }) });
      await title.waitFor();
      expect(await title.getByTestId('difference-before').textContent()).toContain('"Analyst"');
      expect(await title.getByTestId('difference-op').textContent()).toBe('changed');
      const familyName = differences.filter({ has: page.getByTestId('difference-after').filter({ hasText: 'updatedFamilyName' }) });
      await familyName.waitFor();
      const familyBefore = (await familyName.getByTestId('difference-before').textContent()) ?? '';
      expect(familyBefore).toContain('"familyName"');
      expect(familyBefore).not.toContain('updatedFamilyName');
      const department = differences.filter({ has: page.getByTestId('difference-after').filter({ hasText: 'Engineering' }) });
      expect(await department.getByTestId('difference-before').textContent()).toContain('Sales');

      // The requests that touched the user: its create and its PATCH.
      const touched = page.getByTestId('user-request-row');
      await touched.filter({ hasText: 'PATCH' }).waitFor();
      await touched.filter({ hasText: 'POST' }).waitFor();
    });
  });

  it("signs a tenant's credential in to its own tenant only", async () => {
    const res = await fetch(`${stack.auditUrl}${AuditRoutes.credentials}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.auditOpsToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ tenantId: entra.id, label: 'dashboard test' }),
    });
    expect(res.status).toBe(201);
    const credential = (await res.json()) as IssuedAuditCredential;
    await inBrowser('tenant-credential', async () => {
      await page.getByTestId('sign-out').click();
      await page.getByTestId('signin-form').waitFor();
      expect(await page.getByTestId('failure-row').count()).toBe(0); // nothing of the ops session is left on the page
      await page.getByTestId('token-input').fill(credential.token);
      await page.getByTestId('signin-submit').click();
      await waitForText(page.getByTestId('whoami'), new RegExp(`tenant ${entra.id}`));
      expect(await page.locator('[data-testid="tenant-select"] option').evaluateAll((options) => options.map((o) => o.getAttribute('value')))).toEqual([entra.id]);
      await waitForText(page.getByTestId('activity-requests'), /^5$/);
      await waitForText(page.getByTestId('activity-failures'), /^2$/);
    });
    expect(browser.problems).toEqual([]);
  });
});
