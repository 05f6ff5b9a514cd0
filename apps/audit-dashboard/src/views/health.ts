import { AuditRoutes, type TenantHealth } from '@app/contracts';
import type { Context } from '../context';
import { byId, el } from '../dom';
import { count, pct, utc } from '../format';

const STATE_LABELS: Record<string, string> = { 'quarantine-risk': 'quarantine risk', warning: 'warning', healthy: 'healthy', idle: 'idle' };

/** Tenant health over Entra's window, worst first (GET /audit/v1/health, from the rollups). */
export async function loadHealth(ctx: Context): Promise<void> {
  const fresh = ctx.fresh.next('health');
  const rows = await ctx.api.get<TenantHealth[]>(AuditRoutes.health, { tenantId: ctx.tenantId });
  if (!fresh()) return;
  byId('health-body').replaceChildren(
    ...rows.map((h) =>
      el('tr', { testid: 'health-row', 'data-tenant-id': h.tenantId }, [
        el('td', { testid: 'health-tenant', text: h.name ?? h.tenantId }),
        el('td', { class: `nowrap state-${h.state}`, testid: 'health-state', text: STATE_LABELS[h.state] ?? h.state }),
        el('td', { class: 'nowrap', text: count(h.requests) }),
        el('td', { class: 'nowrap', text: pct(h.errorRate) }),
        el('td', { class: 'nowrap', text: `${pct(h.shares.client)} / ${pct(h.shares.server)} / ${pct(h.shares.unauthorized)} / ${pct(h.shares.throttled)}` }),
        el('td', { class: 'nowrap', text: h.p99LatencyMs === null ? '–' : `${h.p99LatencyMs} ms` }),
        el('td', { class: 'time', text: h.lastSuccessAt ? utc(h.lastSuccessAt) : 'never' }),
        el('td', { testid: 'health-reason', text: h.reasons.map((r) => r.text).join('; ') }),
      ]),
    ),
  );
  byId('health-empty').hidden = rows.length > 0;
}
