/** The dashboard's stylesheet: a two-column grid of panels, readable tables, no external fonts. */
export const DASHBOARD_CSS = String.raw`
:root {
  --bg: #f4f5f7; --panel: #fff; --ink: #1d2330; --muted: #667085; --line: #dde1e8;
  --accent: #2f5fd0; --req: #6b8fe0; --fail: #d0453a; --ok: #2f8f5b;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--ink); background: var(--bg);
}
* { box-sizing: border-box; }
body { margin: 0; }
[hidden] { display: none !important; }
h1 { font-size: 18px; margin: 0; }
h2 { font-size: 15px; margin: 0 0 10px; }
h3 { font-size: 13px; margin: 14px 0 6px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
.sub { font-weight: normal; color: var(--muted); font-size: 13px; }

.topbar { display: flex; align-items: center; gap: 16px; padding: 10px 20px; background: var(--ink); color: #fff; }
.topbar .who { margin-left: auto; font-size: 13px; opacity: .9; }
.topbar button { margin-left: 0; }

button { font: inherit; padding: 5px 12px; border-radius: 4px; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; }
button.secondary { background: #fff; color: var(--accent); }
button.link { border: 0; background: none; color: var(--accent); padding: 0; text-align: left; cursor: pointer; }
button.link:hover, a:hover { text-decoration: underline; }
a { color: var(--accent); text-decoration: none; }
input, select { font: inherit; padding: 4px 6px; border: 1px solid var(--line); border-radius: 4px; background: #fff; }

.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 14px 16px; min-width: 0; }
.signin { max-width: 520px; margin: 40px auto; }
.signin form { display: flex; gap: 8px; align-items: center; }
.signin input { flex: 1; }
.hint, .empty { color: var(--muted); }
.error { color: var(--fail); margin: 6px 0 0; }
.error:empty { display: none; }

.toolbar { display: flex; flex-wrap: wrap; align-items: center; gap: 14px; padding: 12px 20px; }
.toolbar label { display: flex; align-items: center; gap: 6px; color: var(--muted); }
.toolbar .status { color: var(--muted); font-size: 12px; }

.grid { display: grid; grid-template-columns: minmax(0, 2fr) minmax(0, 3fr); gap: 14px; padding: 0 20px 20px; }
.grid .wide { grid-column: 1 / -1; }
@media (max-width: 1000px) { .grid { grid-template-columns: minmax(0, 1fr); } }

.totals { display: flex; gap: 32px; margin-bottom: 8px; }
.totals .figure { display: block; font-size: 24px; font-weight: 600; font-variant-numeric: tabular-nums; }
.totals .figure.fail { color: var(--fail); }
.totals .label { color: var(--muted); font-size: 12px; }
.chart svg { width: 100%; height: auto; display: block; max-height: 240px; }
.chart .bar-req { fill: var(--req); }
.chart .bar-fail { fill: var(--fail); }
.chart .axis { stroke: var(--line); }
.chart text { fill: var(--muted); font-size: 11px; }
.legend { list-style: none; display: flex; gap: 16px; padding: 0; margin: 4px 0; font-size: 12px; color: var(--muted); }
.legend li::before { content: ""; display: inline-block; width: 10px; height: 10px; margin-right: 5px; vertical-align: -1px; }
.legend .req::before { background: var(--req); }
.legend .fail::before { background: var(--fail); }
.by-type { font-size: 12px; color: var(--muted); }
.by-type .chip { display: inline-block; margin: 2px 6px 2px 0; padding: 1px 8px; border-radius: 10px; background: #fbe9e7; color: var(--fail); }

table.list, table.diff { width: 100%; border-collapse: collapse; font-size: 13px; }
table th { text-align: left; color: var(--muted); font-weight: 600; border-bottom: 1px solid var(--line); padding: 4px 6px; }
table td { border-bottom: 1px solid #eef0f3; padding: 4px 6px; vertical-align: top; overflow-wrap: anywhere; }
table.list tbody tr { cursor: pointer; }
table.list tbody tr:hover { background: #f3f6fd; }
table.list tbody tr.selected { background: #e4ecfc; }
td.num, .status-4xx, .status-5xx, .status-2xx { font-variant-numeric: tabular-nums; }
.status-4xx, .status-5xx { color: var(--fail); font-weight: 600; }
.status-2xx { color: var(--ok); }
td.time { white-space: nowrap; color: var(--muted); }
td.nowrap { white-space: nowrap; }

dl.facts { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 2px 12px; margin: 0; font-size: 13px; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.bodies { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 10px; }
pre { margin: 0; padding: 8px; background: #f7f8fa; border: 1px solid var(--line); border-radius: 4px; font-size: 12px; max-height: 360px; overflow: auto; white-space: pre-wrap; overflow-wrap: anywhere; }

.search { display: flex; gap: 8px; }
.search input { flex: 1; }
ul.results { list-style: none; padding: 0; margin: 10px 0 0; }
ul.results li { padding: 5px 0; border-bottom: 1px solid #eef0f3; }
ul.results .meta { display: block; color: var(--muted); font-size: 12px; }
.deleted { color: var(--fail); font-size: 12px; margin-left: 6px; }

.change { border: 1px solid var(--line); border-radius: 4px; padding: 8px 10px; margin-bottom: 8px; }
.change header { display: flex; flex-wrap: wrap; gap: 12px; font-size: 13px; margin-bottom: 6px; }
.change header .type { font-weight: 600; }
.change header .time, .change header .corr { color: var(--muted); }
table.diff { table-layout: fixed; }
table.diff th:nth-child(1) { width: 30%; }
table.diff th:nth-child(2) { width: 80px; }
table.diff td pre { max-height: 160px; padding: 4px; }
table.diff td.op-added { color: var(--ok); }
table.diff td.op-removed { color: var(--fail); }
.absent { color: var(--muted); font-style: italic; }
.state-quarantine-risk { color: #b3261e; font-weight: 600; }
.state-warning { color: #8a5a00; font-weight: 600; }
.state-healthy { color: #1e6b34; }
.state-idle { color: #666; }
`;
