import { AuditRoutes, type SummaryPage } from '@app/contracts';
import { ActivityChart } from '../chart';
import { itemsOf, type Context } from '../context';
import { byId, el } from '../dom';
import { count } from '../format';
import { activityOf, windowOf, windowStart } from '../series';

let chart: ActivityChart | undefined;

function chartOf(): ActivityChart {
  chart ??= new ActivityChart(byId('chart'), byId<HTMLTableSectionElement>('chart-data-body'));
  return chart;
}

/** Requests and failures per bucket over the chosen window (GET /audit/v1/summaries, from the rollups). */
export async function loadActivity(ctx: Context): Promise<void> {
  const fresh = ctx.fresh.next('activity');
  const win = windowOf(byId<HTMLSelectElement>('window').value);
  const fromMs = windowStart(win, Date.now());
  const page = await ctx.api.get<SummaryPage>(AuditRoutes.summaries, { tenantId: ctx.tenantId, bucket: win.bucket, from: new Date(fromMs).toISOString() });
  if (!fresh()) return;
  const activity = activityOf(itemsOf(page), win, fromMs);
  byId('activity-window').textContent = `(${win.label}, UTC)`;
  byId('activity-requests').textContent = count(activity.requests);
  byId('activity-failures').textContent = count(activity.failures);
  byId('activity-error-rate').textContent = activity.requests ? `${((100 * activity.failures) / activity.requests).toFixed(1)}%` : '–';
  byId('activity-p99').textContent = activity.requests ? `${Math.round(activity.worstP99Ms)} ms` : '–';
  chartOf().draw(activity.series, win.bucketMs);
  const chips = activity.byType.map(([type, n]) => el('span', { class: 'chip', testid: 'failure-type', text: `${type} ${count(n)}` }));
  byId('failures-by-type').replaceChildren(...(chips.length ? [el('span', { text: 'failures by scimType: ' }), ...chips] : []));
}

export function clearActivity(): void {
  chart?.clear();
  byId('failures-by-type').replaceChildren();
}
