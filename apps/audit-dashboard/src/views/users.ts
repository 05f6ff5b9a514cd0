import { AuditRoutes, type AuditedChange, type AuditedRequest, type AuditedResource, type AuditPage, type ResourceHistory } from '@app/contracts';
import { itemsOf, type Context } from '../context';
import { byId, el, facts } from '../dom';
import { utc } from '../format';
import { requestRow } from './requests';

let history: { tenantId: string; resourceId: string; cursor: string | null } | null = null;

/** Users whose userName, externalId or displayName starts with `q`, linking to their history. */
export async function searchUsers(ctx: Context, q: string): Promise<void> {
  const fresh = ctx.fresh.next('search');
  const found = await ctx.api.get<AuditedResource[]>(AuditRoutes.resources, { resourceType: 'User', q, tenantId: ctx.tenantId, limit: 25 });
  if (!fresh()) return;
  const items = itemsOf(found).map((r) => {
    const hash = `#history/${encodeURIComponent(r.tenantId)}/${encodeURIComponent(r.resourceId)}`;
    const link = el('a', { href: hash, testid: 'user-result-link', text: r.userName ?? r.displayName ?? r.resourceId });
    // Following the same link twice does not fire hashchange: load it anyway.
    link.addEventListener('click', () => {
      if (window.location.hash === hash) void routeFromHash(ctx);
    });
    const meta = [`id ${r.resourceId}`, r.externalId ? `externalId ${r.externalId}` : null, ctx.isOps ? `tenant ${r.tenantId}` : null, `changed ${utc(r.lastChangedAt)}`];
    return el('li', { testid: 'user-result' }, [
      link,
      r.deleted ? el('span', { class: 'deleted', text: 'deleted' }) : null,
      el('span', { class: 'meta', text: meta.filter(Boolean).join(' · ') }),
    ]);
  });
  byId('search-results').replaceChildren(...items);
  byId('search-empty').hidden = items.length > 0;
}

export async function routeFromHash(ctx: Context): Promise<void> {
  const match = /^#history\/([^/]+)\/([^/]+)$/.exec(window.location.hash);
  if (!match || !ctx.principal) return;
  let tenantId: string;
  let resourceId: string;
  try {
    tenantId = decodeURIComponent(match[1]);
    resourceId = decodeURIComponent(match[2]);
  } catch {
    return;
  }
  await ctx.guarded('history-error', () => loadHistory(ctx, tenantId, resourceId, true));
}

export function moreHistory(ctx: Context): Promise<void> {
  const h = history;
  return h ? ctx.guarded('history-error', () => loadHistory(ctx, h.tenantId, h.resourceId, false)) : Promise.resolve();
}

async function loadHistory(ctx: Context, tenantId: string, resourceId: string, reset: boolean): Promise<void> {
  const fresh = ctx.fresh.next('history');
  const cursor = reset ? undefined : history?.cursor;
  const [found, touched] = await Promise.all([
    ctx.api.get<ResourceHistory>(AuditRoutes.history(tenantId, 'User', resourceId), { cursor }),
    reset ? ctx.api.get<AuditPage<AuditedRequest>>(AuditRoutes.requests, { resourceId, tenantId, limit: 50 }) : Promise.resolve(null),
  ]);
  if (!fresh()) return;
  history = { tenantId, resourceId, cursor: found.nextCursor ?? null };
  const current = found.current;
  byId('history-facts').replaceChildren(
    ...facts([
      ['tenant', tenantId, 'history-tenant'],
      ['id', resourceId, 'history-id'],
      ['userName', current?.userName ?? '', 'history-userName'],
      ['externalId', current?.externalId ?? '', 'history-externalId'],
      ['displayName', current?.displayName ?? '', 'history-displayName'],
      ['last changed', current ? `${utc(current.lastChangedAt)} UTC` : '(no change seen)', 'history-lastChanged'],
      ['deleted', current?.deleted ? 'yes' : 'no', 'history-deleted'],
    ]),
  );
  byId('history-state').textContent = current ? JSON.stringify(current.state, null, 2) : '(unknown)';
  const changes = found.changes.map(renderChange);
  if (reset) {
    byId('history-changes').replaceChildren(...(changes.length ? changes : [el('p', { class: 'empty', text: 'The log has seen no change of this user.' })]));
    byId('user-requests').replaceChildren(...itemsOf(touched).map((r) => requestRow(r, 'user-request-row')));
  } else {
    byId('history-changes').append(...changes);
  }
  byId('history-more').hidden = !history.cursor;
  byId('history-none').hidden = true;
  byId('history').hidden = false;
  if (reset) byId('history').scrollIntoView({ block: 'nearest' });
}

export function hideHistory(): void {
  history = null;
  byId('history').hidden = true;
  byId('history-none').hidden = false;
}

function renderChange(change: AuditedChange): HTMLElement {
  const parts: HTMLElement[] = [
    el('header', {}, [
      el('span', { class: 'type', testid: 'change-type', text: change.type }),
      el('span', { class: 'time', text: `${utc(change.occurredAt)} UTC` }),
      change.correlationId ? el('span', { class: 'corr', text: `correlation ${change.correlationId}` }) : null,
    ]),
  ];
  if (change.differences.length) {
    const rows = change.differences.map((d) =>
      el('tr', { testid: 'difference-row' }, [
        el('td', { testid: 'difference-path', text: d.path }),
        el('td', { testid: 'difference-op', class: `op-${d.op}`, text: d.op }),
        valueCell(d.before, 'difference-before'),
        valueCell(d.after, 'difference-after'),
      ]),
    );
    parts.push(
      el('table', { class: 'diff' }, [
        el('thead', {}, [el('tr', {}, [el('th', { text: 'attribute' }), el('th', { text: 'change' }), el('th', { text: 'before' }), el('th', { text: 'after' })])]),
        el('tbody', {}, rows),
      ]),
    );
  } else if (change.changedAttributes.length) {
    parts.push(el('p', { class: 'empty', text: `changed: ${change.changedAttributes.join(', ')}` }));
  }
  if (change.memberIds.length) parts.push(el('p', { testid: 'change-members', text: `members: ${change.memberIds.join(', ')}` }));
  return el('div', { class: 'change', testid: 'history-change', 'data-event-id': change.eventId }, parts);
}

function valueCell(value: unknown, testid: string): HTMLElement {
  if (value === null || value === undefined) return el('td', { testid }, [el('span', { class: 'absent', text: '—' })]);
  if (typeof value === 'object') return el('td', { testid }, [el('pre', { text: JSON.stringify(value, null, 2) })]);
  return el('td', { testid, text: JSON.stringify(value) });
}
