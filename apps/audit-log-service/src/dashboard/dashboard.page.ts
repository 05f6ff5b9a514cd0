import { DASHBOARD_SCRIPT_PATH, DASHBOARD_STYLES_PATH } from './dashboard.paths';

/**
 * The dashboard's only HTML. Static: nothing from a request or the store is ever put into it;
 * the script fills it in through textContent. No inline script or style (the CSP forbids both).
 */
export const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>Audit log · SCIM provisioning</title>
<link rel="stylesheet" href="${DASHBOARD_STYLES_PATH}">
<script src="${DASHBOARD_SCRIPT_PATH}" defer></script>
</head>
<body>
<header class="topbar">
  <h1>SCIM audit log</h1>
  <div class="who" data-testid="whoami" id="whoami" hidden></div>
  <button type="button" id="sign-out" data-testid="sign-out" class="secondary" hidden>Sign out</button>
</header>

<section id="signin" class="signin panel" data-testid="signin">
  <h2>Sign in</h2>
  <p class="hint">Paste the ops credential (AUDIT_OPS_TOKEN) or a tenant's audit credential. It is kept in this tab's session storage only.</p>
  <form id="signin-form" data-testid="signin-form" autocomplete="off">
    <label for="token">Credential</label>
    <input id="token" name="token" type="password" data-testid="token-input" required spellcheck="false" autocomplete="off">
    <button type="submit" data-testid="signin-submit">Sign in</button>
  </form>
  <p class="error" id="signin-error" data-testid="signin-error" role="alert"></p>
</section>

<main id="app" hidden>
  <div class="toolbar">
    <label>Tenant
      <select id="tenant" data-testid="tenant-select"></select>
    </label>
    <label>Window
      <select id="window" data-testid="window-select">
        <option value="1h">last hour, per minute</option>
        <option value="6h">last 6 hours, per 5 minutes</option>
        <option value="24h">last 24 hours, per hour</option>
        <option value="7d">last 7 days, per day</option>
      </select>
    </label>
    <button type="button" id="refresh" data-testid="refresh">Refresh</button>
    <label class="inline"><input type="checkbox" id="auto-refresh" data-testid="auto-refresh"> every 30 s</label>
    <span class="status" id="status" data-testid="status" role="status"></span>
  </div>

  <div class="grid">
    <section class="panel wide" data-testid="health">
      <h2>Tenant health <span class="sub">over Entra's window; 429s from a tenant's own rate limit are not errors</span></h2>
      <table class="list">
        <thead><tr><th>tenant</th><th>state</th><th>requests</th><th>error rate</th><th>4xx / 5xx / 401 / 429</th><th>p99</th><th>last success (UTC)</th><th>reason</th></tr></thead>
        <tbody id="health-body" data-testid="health-table"></tbody>
      </table>
      <p class="empty" id="health-empty" data-testid="health-empty" hidden>No tenant has been seen yet.</p>
      <p class="error" id="health-error" data-testid="health-error"></p>
    </section>
    <section class="panel wide" data-testid="activity">
      <h2>Activity <span class="sub" id="activity-window" data-testid="activity-window"></span></h2>
      <div class="totals">
        <div><span class="figure" id="activity-requests" data-testid="activity-requests">–</span><span class="label">requests</span></div>
        <div><span class="figure fail" id="activity-failures" data-testid="activity-failures">–</span><span class="label">failures</span></div>
        <div><span class="figure" id="activity-error-rate" data-testid="activity-error-rate">–</span><span class="label">error rate</span></div>
        <div><span class="figure" id="activity-p99" data-testid="activity-p99">–</span><span class="label">worst p99 latency</span></div>
      </div>
      <div class="chart" id="chart" data-testid="activity-chart"></div>
      <ul class="legend"><li class="req">requests</li><li class="fail">failures</li></ul>
      <div class="by-type" id="failures-by-type" data-testid="failures-by-type"></div>
      <p class="error" id="activity-error" data-testid="activity-error"></p>
    </section>

    <section class="panel" data-testid="failures">
      <h2>Latest failures</h2>
      <table class="list">
        <thead><tr><th>time (UTC)</th><th>method</th><th>path</th><th>status</th><th>scimType</th></tr></thead>
        <tbody id="failures-body" data-testid="failures-table"></tbody>
      </table>
      <button type="button" class="secondary" id="failures-more" data-testid="failures-more" hidden>Older failures</button>
      <p class="empty" id="failures-empty" data-testid="failures-empty" hidden>No failed requests.</p>
      <p class="error" id="failures-error" data-testid="failures-error"></p>
    </section>

    <section class="panel" data-testid="request-detail-panel">
      <h2>Request</h2>
      <p class="empty" id="request-none">Choose a request in a list.</p>
      <div id="request-detail" data-testid="request-detail" hidden>
        <dl class="facts" id="request-facts"></dl>
        <div class="bodies">
          <div><h3>Request body</h3><pre id="request-body" data-testid="request-body"></pre></div>
          <div><h3>Response body</h3><pre id="response-body" data-testid="response-body"></pre></div>
        </div>
      </div>
    </section>

    <section class="panel" data-testid="user-search">
      <h2>Find a user</h2>
      <form id="search-form" class="search" data-testid="user-search-form">
        <input id="search-q" type="search" data-testid="user-search-input" placeholder="userName, externalId or displayName prefix" spellcheck="false" autocomplete="off" required>
        <button type="submit" data-testid="user-search-submit">Search</button>
      </form>
      <ul class="results" id="search-results" data-testid="user-results"></ul>
      <p class="empty" id="search-empty" data-testid="user-search-empty" hidden>No user starts with that.</p>
      <p class="error" id="search-error" data-testid="user-search-error"></p>
    </section>

    <section class="panel" data-testid="user-history-panel">
      <h2>User history</h2>
      <p class="empty" id="history-none">Choose a user in the search results.</p>
      <div id="history" data-testid="user-history" hidden>
        <dl class="facts" id="history-facts" data-testid="history-facts"></dl>
        <details><summary>Latest state</summary><pre id="history-state" data-testid="history-state"></pre></details>
        <h3>Changes, oldest first</h3>
        <div id="history-changes" data-testid="history-changes"></div>
        <button type="button" class="secondary" id="history-more" data-testid="history-more" hidden>Later changes</button>
        <h3>Requests that touched the user</h3>
        <table class="list">
          <thead><tr><th>time (UTC)</th><th>method</th><th>path</th><th>status</th><th>scimType</th></tr></thead>
          <tbody id="user-requests" data-testid="user-requests"></tbody>
        </table>
      </div>
      <p class="error" id="history-error" data-testid="history-error"></p>
    </section>
  </div>
</main>
</body>
</html>
`;
