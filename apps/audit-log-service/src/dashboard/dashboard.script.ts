import { AuditRoutes } from '@app/contracts';

/**
 * The API paths the browser calls, taken from the contract so that the page and the API cannot
 * drift apart. The history path is a template whose two placeholders the script fills in.
 */
export const DASHBOARD_API_ROUTES = {
  whoami: AuditRoutes.whoami,
  tenants: AuditRoutes.tenants,
  health: AuditRoutes.health,
  summaries: AuditRoutes.summaries,
  requests: AuditRoutes.requests,
  resources: AuditRoutes.resources,
  userHistory: AuditRoutes.history('__tenantId__', 'User', '__resourceId__'),
};

/**
 * The dashboard's script, plain browser JavaScript (no build step, no framework). Every value
 * from the API reaches the DOM through textContent, attributes or `new Option`, never as markup.
 * Kept free of template literals: it lives inside one.
 */
const APP = String.raw`
(() => {
  'use strict';
  const CREDENTIAL_KEY = 'scim-audit-dashboard.credential';
  const MINUTE = 60000;
  const WINDOWS = {
    '1h': { spanMs: 60 * MINUTE, bucket: '1m', bucketMs: MINUTE, label: 'last hour, per minute' },
    '6h': { spanMs: 360 * MINUTE, bucket: '5m', bucketMs: 5 * MINUTE, label: 'last 6 hours, per 5 minutes' },
    '24h': { spanMs: 1440 * MINUTE, bucket: '1h', bucketMs: 60 * MINUTE, label: 'last 24 hours, per hour' },
    '7d': { spanMs: 7 * 1440 * MINUTE, bucket: '1d', bucketMs: 1440 * MINUTE, label: 'last 7 days, per day' },
  };
  const FAILURES_PAGE = 25;
  const AUTO_REFRESH_MS = 30000;
  const state = { principal: null, failuresCursor: null, selectedRecordId: null, history: null, timer: null, generation: {} };

  const $ = (id) => document.getElementById(id);

  // ---- DOM helpers: text only, never markup --------------------------------------------------
  function el(tag, props, children) {
    const node = document.createElement(tag);
    setProps(node, props);
    for (const child of children || []) if (child !== null && child !== undefined) node.append(child);
    return node;
  }
  function svg(tag, attrs, children) {
    const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
    setProps(node, attrs);
    for (const child of children || []) node.append(child);
    return node;
  }
  function setProps(node, props) {
    for (const [key, value] of Object.entries(props || {})) {
      if (value === null || value === undefined) continue;
      if (key === 'text') node.textContent = String(value);
      else if (key === 'testid') node.setAttribute('data-testid', value);
      else if (key === 'class') node.setAttribute('class', value);
      else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, String(value));
    }
  }
  /** A request to a view that a newer request to the same view has overtaken is dropped. */
  function nextGeneration(view) {
    state.generation[view] = (state.generation[view] || 0) + 1;
    const mine = state.generation[view];
    return () => state.generation[view] === mine;
  }

  // ---- formatting -----------------------------------------------------------------------------
  function utc(iso) {
    if (!iso) return '';
    const d = new Date(iso);
    return isNaN(d.getTime()) ? String(iso) : d.toISOString().replace('T', ' ').slice(0, 19);
  }
  function shortUtc(ms, bucketMs) {
    const iso = new Date(ms).toISOString();
    return bucketMs >= 1440 * MINUTE ? iso.slice(0, 10) : iso.slice(5, 16).replace('T', ' ');
  }
  function pretty(value) {
    if (value === undefined || value === null) return '(no body)';
    if (typeof value === 'object' && value.truncated === true && typeof value.preview === 'string') {
      return '(cut to a preview: the body had ' + value.bytes + ' bytes)\n' + value.preview;
    }
    return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  }
  function decodedQuery(query) {
    if (!query) return '';
    try { return decodeURIComponent(String(query).replace(/\+/g, ' ')); } catch { return String(query); }
  }
  function statusClass(status) { return 'status-' + String(status).charAt(0) + 'xx'; }
  function itemsOf(body) { return Array.isArray(body) ? body : (body && Array.isArray(body.items) ? body.items : []); }
  function count(n) { return Number(n || 0).toLocaleString('en'); }

  // ---- API ------------------------------------------------------------------------------------
  class ApiError extends Error {
    constructor(status, message) { super(message); this.status = status; }
  }
  function credential() { return sessionStorage.getItem(CREDENTIAL_KEY); }

  async function api(path, params) {
    const token = credential();
    if (!token) throw new ApiError(401, 'not signed in');
    const url = new URL(path, window.location.origin);
    for (const [key, value] of Object.entries(params || {})) {
      if (value !== undefined && value !== null && value !== '') url.searchParams.set(key, String(value));
    }
    const res = await fetch(url, { headers: { authorization: 'Bearer ' + token, accept: 'application/json' }, cache: 'no-store', credentials: 'omit' });
    const raw = await res.text();
    let body = null;
    try { body = raw ? JSON.parse(raw) : null; } catch { body = raw; }
    if (res.status === 401) {
      signOut('The credential was refused (401). Sign in again.');
      throw new ApiError(401, 'credential refused');
    }
    if (!res.ok) throw new ApiError(res.status, res.status + ' ' + describeError(body));
    return body;
  }
  function describeError(body) {
    if (body && typeof body === 'object') return String(body.detail || body.message || body.error || JSON.stringify(body));
    return String(body || '');
  }
  function historyPath(tenantId, resourceId) {
    return ROUTES.userHistory.replace('__tenantId__', encodeURIComponent(tenantId)).replace('__resourceId__', encodeURIComponent(resourceId));
  }
  function selectedTenant() { return $('tenant').value || undefined; }

  /** Runs a loader, showing its failure in the panel's error line (401 already signed out). */
  async function guarded(errorId, loader) {
    $(errorId).textContent = '';
    try {
      await loader();
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return;
      $(errorId).textContent = 'Could not load: ' + (err && err.message ? err.message : String(err));
    }
  }

  // ---- sign in / out --------------------------------------------------------------------------
  async function signIn(token) {
    sessionStorage.setItem(CREDENTIAL_KEY, token);
    $('signin-error').textContent = '';
    let principal;
    try {
      principal = await api(ROUTES.whoami);
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 401)) {
        sessionStorage.removeItem(CREDENTIAL_KEY);
        $('signin-error').textContent = 'Could not sign in: ' + err.message;
      }
      return;
    }
    state.principal = principal;
    $('whoami').textContent = principal.kind === 'ops' ? 'signed in as ops (every tenant)' : 'signed in as tenant ' + principal.tenantId;
    $('whoami').hidden = false;
    $('sign-out').hidden = false;
    $('signin').hidden = true;
    $('app').hidden = false;
    await guarded('activity-error', loadTenants);
    await refreshAll();
    await routeFromHash();
  }

  function signOut(message) {
    sessionStorage.removeItem(CREDENTIAL_KEY);
    state.principal = null;
    setAutoRefresh(false);
    $('auto-refresh').checked = false;
    for (const id of ['failures-body', 'user-requests', 'search-results', 'history-changes', 'chart', 'failures-by-type', 'tenant']) $(id).replaceChildren();
    hideRequest();
    hideHistory();
    $('whoami').hidden = true;
    $('sign-out').hidden = true;
    $('app').hidden = true;
    $('signin').hidden = false;
    $('token').value = '';
    $('signin-error').textContent = message || '';
  }

  // ---- tenants --------------------------------------------------------------------------------
  async function loadTenants() {
    const select = $('tenant');
    const previous = select.value;
    const principal = state.principal;
    const options = [];
    if (principal.kind === 'ops') {
      options.push(el('option', { value: '', text: 'all tenants', testid: 'tenant-option' }));
      for (const t of itemsOf(await api(ROUTES.tenants))) {
        const label = (t.name ? t.name + ' · ' + t.tenantId.slice(0, 8) : t.tenantId) + '  (24 h: ' + count(t.requests24h) + ' requests, ' + count(t.failures24h) + ' failed)';
        options.push(el('option', { value: t.tenantId, text: label, testid: 'tenant-option' }));
      }
    } else {
      options.push(el('option', { value: principal.tenantId, text: principal.tenantId, testid: 'tenant-option' }));
    }
    select.replaceChildren(...options);
    if (options.some((o) => o.value === previous)) select.value = previous;
  }

  // ---- tenant health --------------------------------------------------------------------------
  const STATE_LABELS = { 'quarantine-risk': 'quarantine risk', warning: 'warning', healthy: 'healthy', idle: 'idle' };
  function pct(x) { return (Math.round(Number(x || 0) * 1000) / 10) + '%'; }
  async function loadHealth() {
    const fresh = nextGeneration('health');
    const rows = await api(ROUTES.health, { tenantId: selectedTenant() });
    if (!fresh()) return;
    $('health-body').replaceChildren(...rows.map((h) => el('tr', { testid: 'health-row', 'data-tenant-id': h.tenantId }, [
      el('td', { testid: 'health-tenant', text: h.name || h.tenantId }),
      el('td', { class: 'nowrap state-' + h.state, testid: 'health-state', text: STATE_LABELS[h.state] || h.state }),
      el('td', { class: 'nowrap', text: count(h.requests) }),
      el('td', { class: 'nowrap', text: pct(h.errorRate) }),
      el('td', { class: 'nowrap', text: pct(h.shares.client) + ' / ' + pct(h.shares.server) + ' / ' + pct(h.shares.unauthorized) + ' / ' + pct(h.shares.throttled) }),
      el('td', { class: 'nowrap', text: h.p99LatencyMs === null ? '–' : h.p99LatencyMs + ' ms' }),
      el('td', { class: 'time', text: h.lastSuccessAt ? utc(h.lastSuccessAt) : 'never' }),
      el('td', { testid: 'health-reason', text: h.reasons.map((r) => r.text).join('; ') }),
    ])));
    $('health-empty').hidden = rows.length > 0;
  }

  // ---- activity -------------------------------------------------------------------------------
  async function loadActivity() {
    const fresh = nextGeneration('activity');
    const win = WINDOWS[$('window').value] || WINDOWS['1h'];
    const buckets = Math.round(win.spanMs / win.bucketMs);
    const fromMs = Math.floor(Date.now() / win.bucketMs) * win.bucketMs - (buckets - 1) * win.bucketMs;
    const page = await api(ROUTES.summaries, { tenantId: selectedTenant(), bucket: win.bucket, from: new Date(fromMs).toISOString() });
    if (!fresh()) return;
    const series = Array.from({ length: buckets }, (_, i) => ({ start: fromMs + i * win.bucketMs, requests: 0, failures: 0 }));
    const byType = {};
    let requests = 0, failures = 0, p99 = 0;
    for (const item of itemsOf(page)) {
      const index = Math.floor((Date.parse(item.bucketStart) - fromMs) / win.bucketMs);
      const slot = series[Math.min(Math.max(index, 0), buckets - 1)];
      slot.requests += item.requests || 0;
      slot.failures += item.failures || 0;
      requests += item.requests || 0;
      failures += item.failures || 0;
      p99 = Math.max(p99, item.p99LatencyMs || 0);
      for (const [type, n] of Object.entries(item.failuresByScimType || {})) byType[type] = (byType[type] || 0) + n;
    }
    $('activity-window').textContent = '(' + win.label + ', UTC)';
    $('activity-requests').textContent = count(requests);
    $('activity-failures').textContent = count(failures);
    $('activity-error-rate').textContent = requests ? (100 * failures / requests).toFixed(1) + '%' : '–';
    $('activity-p99').textContent = requests ? Math.round(p99) + ' ms' : '–';
    $('chart').replaceChildren(drawChart(series, win.bucketMs));
    const chips = Object.entries(byType).sort((a, b) => b[1] - a[1]).map(([type, n]) => el('span', { class: 'chip', testid: 'failure-type', text: type + ' ' + count(n) }));
    $('failures-by-type').replaceChildren(...(chips.length ? [el('span', { text: 'failures by scimType: ' }), ...chips] : []));
  }

  /** Requests per bucket as bars, the failed part of each in red on top of it. */
  function drawChart(series, bucketMs) {
    const W = 960, H = 190, left = 44, right = 8, top = 10, bottom = 24;
    const plotW = W - left - right, plotH = H - top - bottom;
    const max = Math.max(1, ...series.map((s) => s.requests));
    const step = plotW / series.length;
    const barW = Math.max(1, step * 0.8);
    const y = (n) => top + plotH - (n / max) * plotH;
    const nodes = [
      svg('line', { class: 'axis', x1: left, y1: top + plotH, x2: W - right, y2: top + plotH }),
      svg('line', { class: 'axis', x1: left, y1: top, x2: left, y2: top + plotH }),
      svg('text', { x: left - 6, y: top + 10, 'text-anchor': 'end', text: count(max) }),
      svg('text', { x: left - 6, y: top + plotH, 'text-anchor': 'end', text: '0' }),
      svg('text', { x: left, y: H - 6, text: shortUtc(series[0].start, bucketMs) }),
      svg('text', { x: W - right, y: H - 6, 'text-anchor': 'end', text: shortUtc(series[series.length - 1].start, bucketMs) }),
    ];
    series.forEach((s, i) => {
      if (!s.requests && !s.failures) return;
      const x = left + i * step + (step - barW) / 2;
      const title = svg('title', { text: shortUtc(s.start, bucketMs) + ': ' + count(s.requests) + ' requests, ' + count(s.failures) + ' failed' });
      const parts = [title, svg('rect', { class: 'bar-req', x, y: y(s.requests), width: barW, height: Math.max(1, top + plotH - y(s.requests)) })];
      if (s.failures) parts.push(svg('rect', { class: 'bar-fail', testid: 'chart-failure-bar', x, y: y(s.failures), width: barW, height: Math.max(1, top + plotH - y(s.failures)) }));
      nodes.push(svg('g', { testid: 'chart-bar', 'data-requests': s.requests, 'data-failures': s.failures }, parts));
    });
    if (!series.some((s) => s.requests)) {
      nodes.push(svg('text', { x: left + plotW / 2, y: top + plotH / 2, 'text-anchor': 'middle', testid: 'chart-empty', text: 'no requests in this window' }));
    }
    return svg('svg', { viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'aria-label': 'requests and failures per bucket' }, nodes);
  }

  // ---- requests -------------------------------------------------------------------------------
  function requestRow(record, testid) {
    const query = decodedQuery(record.query);
    const row = el('tr', { testid, tabindex: 0, 'data-record-id': record.recordId }, [
      el('td', { class: 'time', text: utc(record.receivedAt) }),
      el('td', { text: record.method }),
      el('td', { text: record.path + (query ? '?' + query : '') }),
      el('td', { class: 'nowrap ' + statusClass(record.status), testid: 'row-status', text: record.status }),
      el('td', { class: 'nowrap', testid: 'row-scimType', text: record.scimType || '' }),
    ]);
    if (record.recordId === state.selectedRecordId) row.classList.add('selected');
    const open = () => showRequest(record, row);
    row.addEventListener('click', open);
    row.addEventListener('keydown', (e) => { if (e.key === 'Enter') open(); });
    return row;
  }

  async function loadFailures(reset) {
    const fresh = nextGeneration('failures');
    const page = await api(ROUTES.requests, { failed: 'true', limit: FAILURES_PAGE, tenantId: selectedTenant(), cursor: reset ? undefined : state.failuresCursor });
    if (!fresh()) return;
    const body = $('failures-body');
    const rows = itemsOf(page).map((r) => requestRow(r, 'failure-row'));
    if (reset) body.replaceChildren(...rows); else body.append(...rows);
    state.failuresCursor = page && page.nextCursor ? page.nextCursor : null;
    $('failures-more').hidden = !state.failuresCursor;
    $('failures-empty').hidden = body.children.length > 0;
  }

  function showRequest(record, row) {
    state.selectedRecordId = record.recordId;
    for (const selected of document.querySelectorAll('tr.selected')) selected.classList.remove('selected');
    if (row) row.classList.add('selected');
    const facts = [
      ['received', utc(record.receivedAt) + ' UTC', 'request-received'],
      ['tenant', record.tenantId || '(none)', 'request-tenant'],
      ['method', record.method, 'request-method'],
      ['path', record.path, 'request-path'],
      ['query', decodedQuery(record.query) || '(none)', 'request-query'],
      ['status', record.status, 'request-status'],
      ['scimType', record.scimType || '(none)', 'request-scimType'],
      ['operation', record.operation || '', 'request-operation'],
      ['resource', [record.resourceType || '', ...(record.resourceIds || [])].join(' ').trim() || '(none)', 'request-resource'],
      ['userName', record.userName || '', 'request-userName'],
      ['externalId', record.externalId || '', 'request-externalId'],
      ['ignored attributes', (record.ignoredAttributes || []).join(', ') || '(none)', 'request-ignoredAttributes'],
      ['latency', record.latencyMs + ' ms', 'request-latency'],
      ['correlation id', record.correlationId, 'request-correlationId'],
      ['client request id', record.clientRequestId || '', 'request-clientRequestId'],
      ['token id', record.tokenId || '', 'request-tokenId'],
      ['record id', record.recordId, 'request-recordId'],
    ];
    $('request-facts').replaceChildren(...facts.flatMap(([label, value, testid]) => [el('dt', { text: label }), el('dd', { testid, text: value })]));
    $('request-body').textContent = pretty(record.requestBody);
    $('response-body').textContent = pretty(record.responseBody);
    $('request-none').hidden = true;
    $('request-detail').hidden = false;
  }
  function hideRequest() {
    state.selectedRecordId = null;
    $('request-detail').hidden = true;
    $('request-none').hidden = false;
  }

  // ---- users ----------------------------------------------------------------------------------
  async function searchUsers(q) {
    const fresh = nextGeneration('search');
    const page = await api(ROUTES.resources, { resourceType: 'User', q, tenantId: selectedTenant(), limit: 25 });
    if (!fresh()) return;
    const items = itemsOf(page).map((r) => {
      const hash = '#history/' + encodeURIComponent(r.tenantId) + '/' + encodeURIComponent(r.resourceId);
      const link = el('a', { href: hash, testid: 'user-result-link', text: r.userName || r.displayName || r.resourceId });
      // Following the same link twice does not fire hashchange: load it anyway.
      link.addEventListener('click', () => { if (window.location.hash === hash) routeFromHash(); });
      const meta = ['id ' + r.resourceId, r.externalId ? 'externalId ' + r.externalId : null, state.principal.kind === 'ops' ? 'tenant ' + r.tenantId : null, 'changed ' + utc(r.lastChangedAt)];
      return el('li', { testid: 'user-result' }, [link, r.deleted ? el('span', { class: 'deleted', text: 'deleted' }) : null, el('span', { class: 'meta', text: meta.filter(Boolean).join(' · ') })]);
    });
    $('search-results').replaceChildren(...items);
    $('search-empty').hidden = items.length > 0;
  }

  async function routeFromHash() {
    const match = /^#history\/([^/]+)\/([^/]+)$/.exec(window.location.hash);
    if (!match || !state.principal) return;
    let tenantId, resourceId;
    try { tenantId = decodeURIComponent(match[1]); resourceId = decodeURIComponent(match[2]); } catch { return; }
    await guarded('history-error', () => loadHistory(tenantId, resourceId, true));
  }

  async function loadHistory(tenantId, resourceId, reset) {
    const fresh = nextGeneration('history');
    const cursor = reset ? undefined : state.history && state.history.cursor;
    const [history, touched] = await Promise.all([
      api(historyPath(tenantId, resourceId), { cursor }),
      reset ? api(ROUTES.requests, { resourceId, tenantId, limit: 50 }) : Promise.resolve(null),
    ]);
    if (!fresh()) return;
    state.history = { tenantId, resourceId, cursor: history.nextCursor || null };
    const current = history.current;
    const facts = [
      ['tenant', tenantId, 'history-tenant'],
      ['id', resourceId, 'history-id'],
      ['userName', current ? current.userName || '' : '', 'history-userName'],
      ['externalId', current ? current.externalId || '' : '', 'history-externalId'],
      ['displayName', current ? current.displayName || '' : '', 'history-displayName'],
      ['last changed', current ? utc(current.lastChangedAt) + ' UTC' : '(no change seen)', 'history-lastChanged'],
      ['deleted', current && current.deleted ? 'yes' : 'no', 'history-deleted'],
    ];
    $('history-facts').replaceChildren(...facts.flatMap(([label, value, testid]) => [el('dt', { text: label }), el('dd', { testid, text: value })]));
    $('history-state').textContent = current ? JSON.stringify(current.state, null, 2) : '(unknown)';
    const changes = (history.changes || []).map(renderChange);
    if (reset) {
      $('history-changes').replaceChildren(...(changes.length ? changes : [el('p', { class: 'empty', text: 'The log has seen no change of this user.' })]));
      $('user-requests').replaceChildren(...itemsOf(touched).map((r) => requestRow(r, 'user-request-row')));
    } else {
      $('history-changes').append(...changes);
    }
    $('history-more').hidden = !state.history.cursor;
    $('history-none').hidden = true;
    $('history').hidden = false;
    if (reset) $('history').scrollIntoView({ block: 'nearest' });
  }
  function hideHistory() {
    state.history = null;
    $('history').hidden = true;
    $('history-none').hidden = false;
  }

  function renderChange(change) {
    const header = el('header', {}, [
      el('span', { class: 'type', testid: 'change-type', text: change.type }),
      el('span', { class: 'time', text: utc(change.occurredAt) + ' UTC' }),
      change.correlationId ? el('span', { class: 'corr', text: 'correlation ' + change.correlationId }) : null,
    ]);
    const parts = [header];
    const differences = change.differences || [];
    if (differences.length) {
      const rows = differences.map((d) => el('tr', { testid: 'difference-row' }, [
        el('td', { testid: 'difference-path', text: d.path }),
        el('td', { testid: 'difference-op', class: 'op-' + d.op, text: d.op }),
        valueCell(d.before, 'difference-before'),
        valueCell(d.after, 'difference-after'),
      ]));
      parts.push(el('table', { class: 'diff' }, [
        el('thead', {}, [el('tr', {}, [el('th', { text: 'attribute' }), el('th', { text: 'change' }), el('th', { text: 'before' }), el('th', { text: 'after' })])]),
        el('tbody', {}, rows),
      ]));
    } else if ((change.changedAttributes || []).length) {
      parts.push(el('p', { class: 'empty', text: 'changed: ' + change.changedAttributes.join(', ') }));
    }
    if ((change.memberIds || []).length) parts.push(el('p', { testid: 'change-members', text: 'members: ' + change.memberIds.join(', ') }));
    return el('div', { class: 'change', testid: 'history-change', 'data-event-id': change.eventId }, parts);
  }
  function valueCell(value, testid) {
    if (value === null || value === undefined) return el('td', { testid }, [el('span', { class: 'absent', text: '—' })]);
    if (typeof value === 'object') return el('td', { testid }, [el('pre', { text: JSON.stringify(value, null, 2) })]);
    return el('td', { testid, text: JSON.stringify(value) });
  }

  // ---- refresh --------------------------------------------------------------------------------
  async function refreshAll() {
    $('status').textContent = 'loading…';
    await Promise.all([guarded('health-error', loadHealth), guarded('activity-error', loadActivity), guarded('failures-error', () => loadFailures(true))]);
    if (state.principal) $('status').textContent = 'updated ' + new Date().toISOString().slice(11, 19) + ' UTC';
  }
  function setAutoRefresh(on) {
    if (state.timer) clearInterval(state.timer);
    state.timer = on ? setInterval(() => { if (document.visibilityState === 'visible' && state.principal) refreshAll(); }, AUTO_REFRESH_MS) : null;
  }

  function wire() {
    $('signin-form').addEventListener('submit', (e) => {
      e.preventDefault();
      const token = $('token').value.trim();
      if (token) signIn(token);
    });
    $('sign-out').addEventListener('click', () => signOut(''));
    $('tenant').addEventListener('change', () => {
      $('search-results').replaceChildren();
      $('search-empty').hidden = true;
      hideRequest();
      hideHistory();
      refreshAll();
    });
    $('window').addEventListener('change', () => guarded('activity-error', loadActivity));
    $('refresh').addEventListener('click', async () => { await guarded('activity-error', loadTenants); await refreshAll(); });
    $('auto-refresh').addEventListener('change', (e) => setAutoRefresh(e.target.checked));
    $('failures-more').addEventListener('click', () => guarded('failures-error', () => loadFailures(false)));
    $('search-form').addEventListener('submit', (e) => {
      e.preventDefault();
      const q = $('search-q').value.trim();
      if (q) guarded('search-error', () => searchUsers(q));
    });
    $('history-more').addEventListener('click', () => {
      if (state.history) guarded('history-error', () => loadHistory(state.history.tenantId, state.history.resourceId, false));
    });
    window.addEventListener('hashchange', routeFromHash);
    const saved = credential();
    if (saved) signIn(saved);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', wire); else wire();
})();
`;

export const DASHBOARD_SCRIPT = `(() => {\n  const ROUTES = ${JSON.stringify(DASHBOARD_API_ROUTES)};\n${APP}})();\n`;
