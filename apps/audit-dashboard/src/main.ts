import './styles.css';
import { AuditRoutes, type AuditedTenant, type AuditPrincipal } from '@app/contracts';
import { ApiError, AuditApi } from './api';
import { Context, itemsOf } from './context';
import { byId, el } from './dom';
import { count } from './format';
import { FIRST_DATA_MARK } from './marks';
import { clearActivity, loadActivity } from './views/activity';
import { clearDeadLetters, loadDeadLetters, replaySelected } from './views/dead-letters';
import { loadHealth } from './views/health';
import { hideRequest, loadFailures } from './views/requests';
import { hideHistory, moreHistory, routeFromHash, searchUsers } from './views/users';

/**
 * The ops dashboard (apps/audit-dashboard/README.md): sign in with a credential, then tenant
 * health, activity, the latest failures, dead letters and user histories from the audit API.
 */
const AUTO_REFRESH_MS = 30_000;

const api = new AuditApi();
const ctx = new Context(api);
let timer: ReturnType<typeof setInterval> | undefined;

api.onUnauthorized = () => signOut('The credential was refused (401). Sign in again.');

async function signIn(token: string): Promise<void> {
  api.credential = token;
  byId('signin-error').textContent = '';
  let principal: AuditPrincipal;
  try {
    principal = await api.get<AuditPrincipal>(AuditRoutes.whoami);
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 401)) {
      api.credential = null;
      byId('signin-error').textContent = `Could not sign in: ${err instanceof Error ? err.message : String(err)}`;
    }
    return;
  }
  ctx.principal = principal;
  byId('whoami').textContent = principal.kind === 'ops' ? 'signed in as ops (every tenant)' : `signed in as tenant ${principal.tenantId}`;
  byId('whoami').hidden = false;
  byId('sign-out').hidden = false;
  byId('signin').hidden = true;
  byId('app').hidden = false;
  // Health and activity come from the rollups and need no tenant list: start them at once.
  const first = refreshAll();
  await ctx.guarded('activity-error', loadTenants);
  await first;
  await routeFromHash(ctx);
}

function signOut(message: string): void {
  api.credential = null;
  ctx.principal = null;
  setAutoRefresh(false);
  byId<HTMLInputElement>('auto-refresh').checked = false;
  for (const id of ['failures-body', 'user-requests', 'search-results', 'history-changes', 'tenant', 'health-body']) byId(id).replaceChildren();
  clearActivity();
  clearDeadLetters();
  hideRequest();
  hideHistory();
  byId('whoami').hidden = true;
  byId('sign-out').hidden = true;
  byId('app').hidden = true;
  byId('signin').hidden = false;
  byId<HTMLInputElement>('token').value = '';
  byId('signin-error').textContent = message;
}

async function loadTenants(): Promise<void> {
  const select = byId<HTMLSelectElement>('tenant');
  const previous = select.value;
  const principal = ctx.principal!;
  const options: HTMLOptionElement[] = [];
  if (principal.kind === 'ops') {
    options.push(el('option', { value: '', text: 'all tenants', testid: 'tenant-option' }));
    for (const t of itemsOf(await api.get<AuditedTenant[]>(AuditRoutes.tenants))) {
      const label = `${t.name ? `${t.name} · ${t.tenantId.slice(0, 8)}` : t.tenantId}  (24 h: ${count(t.requests24h)} requests, ${count(t.failures24h)} failed)`;
      options.push(el('option', { value: t.tenantId, text: label, testid: 'tenant-option' }));
    }
  } else {
    options.push(el('option', { value: principal.tenantId ?? '', text: principal.tenantId ?? '', testid: 'tenant-option' }));
  }
  select.replaceChildren(...options);
  if (options.some((o) => o.value === previous)) select.value = previous;
}

async function refreshAll(): Promise<void> {
  byId('status').textContent = 'loading…';
  const summaries = Promise.all([ctx.guarded('health-error', () => loadHealth(ctx)), ctx.guarded('activity-error', () => loadActivity(ctx))]);
  const lists = Promise.all([ctx.guarded('failures-error', () => loadFailures(ctx, true)), ctx.guarded('letters-error', () => loadDeadLetters(ctx))]);
  await summaries;
  if (performance.getEntriesByName(FIRST_DATA_MARK).length === 0) requestAnimationFrame(() => performance.mark(FIRST_DATA_MARK));
  await lists;
  if (ctx.principal) byId('status').textContent = `updated ${new Date().toISOString().slice(11, 19)} UTC`;
}

function setAutoRefresh(on: boolean): void {
  if (timer) clearInterval(timer);
  timer = on
    ? setInterval(() => {
        if (document.visibilityState === 'visible' && ctx.principal) void refreshAll();
      }, AUTO_REFRESH_MS)
    : undefined;
}

function wire(): void {
  byId('signin-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const token = byId<HTMLInputElement>('token').value.trim();
    if (token) void signIn(token);
  });
  byId('sign-out').addEventListener('click', () => signOut(''));
  byId('tenant').addEventListener('change', () => {
    byId('search-results').replaceChildren();
    byId('search-empty').hidden = true;
    hideRequest();
    hideHistory();
    void refreshAll();
  });
  byId('window').addEventListener('change', () => void ctx.guarded('activity-error', () => loadActivity(ctx)));
  byId('refresh').addEventListener('click', () => {
    void ctx.guarded('activity-error', loadTenants).then(refreshAll);
  });
  byId<HTMLInputElement>('auto-refresh').addEventListener('change', (e) => setAutoRefresh((e.target as HTMLInputElement).checked));
  byId('failures-more').addEventListener('click', () => void ctx.guarded('failures-error', () => loadFailures(ctx, false)));
  byId('search-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const q = byId<HTMLInputElement>('search-q').value.trim();
    if (q) void ctx.guarded('search-error', () => searchUsers(ctx, q));
  });
  byId('history-more').addEventListener('click', () => void moreHistory(ctx));
  byId('letters-unreplayed').addEventListener('change', () => void ctx.guarded('letters-error', () => loadDeadLetters(ctx)));
  byId('replay').addEventListener('click', () => void ctx.guarded('letters-error', () => replaySelected(ctx)));
  window.addEventListener('hashchange', () => void routeFromHash(ctx));
  const saved = api.credential;
  if (saved) void signIn(saved);
}

wire();
