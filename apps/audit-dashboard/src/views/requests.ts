import { AuditRoutes, type AuditedRequest, type AuditPage } from '@app/contracts';
import { itemsOf, type Context } from '../context';
import { byId, el, facts } from '../dom';
import { decodedQuery, pretty, statusClass, utc } from '../format';

const FAILURES_PAGE = 25;
let failuresCursor: string | null = null;
let selectedRecordId: string | null = null;

/** A request as a table row that opens it in the request panel. */
export function requestRow(record: AuditedRequest, testid: string): HTMLTableRowElement {
  const query = decodedQuery(record.query);
  const row = el('tr', { testid, tabindex: 0, 'data-record-id': record.recordId }, [
    el('td', { class: 'time', text: utc(record.receivedAt) }),
    el('td', { text: record.method }),
    el('td', { text: record.path + (query ? `?${query}` : '') }),
    el('td', { class: `nowrap ${statusClass(record.status)}`, testid: 'row-status', text: record.status }),
    el('td', { class: 'nowrap', testid: 'row-scimType', text: record.scimType ?? '' }),
  ]);
  if (record.recordId === selectedRecordId) row.classList.add('selected');
  const open = () => showRequest(record, row);
  row.addEventListener('click', open);
  row.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') open();
  });
  return row;
}

/** The latest failed requests, newest first, paged by the API's cursor. */
export async function loadFailures(ctx: Context, reset: boolean): Promise<void> {
  const fresh = ctx.fresh.next('failures');
  const page = await ctx.api.get<AuditPage<AuditedRequest>>(AuditRoutes.requests, {
    failed: 'true',
    limit: FAILURES_PAGE,
    tenantId: ctx.tenantId,
    cursor: reset ? undefined : failuresCursor,
  });
  if (!fresh()) return;
  const body = byId('failures-body');
  const rows = itemsOf(page).map((r) => requestRow(r, 'failure-row'));
  if (reset) body.replaceChildren(...rows);
  else body.append(...rows);
  failuresCursor = page?.nextCursor ?? null;
  byId('failures-more').hidden = !failuresCursor;
  byId('failures-empty').hidden = body.children.length > 0;
}

function showRequest(record: AuditedRequest, row: HTMLElement): void {
  selectedRecordId = record.recordId;
  for (const selected of document.querySelectorAll('tr.selected')) selected.classList.remove('selected');
  row.classList.add('selected');
  byId('request-facts').replaceChildren(
    ...facts([
      ['received', `${utc(record.receivedAt)} UTC`, 'request-received'],
      ['tenant', record.tenantId ?? '(none)', 'request-tenant'],
      ['method', record.method, 'request-method'],
      ['path', record.path, 'request-path'],
      ['query', decodedQuery(record.query) || '(none)', 'request-query'],
      ['status', record.status, 'request-status'],
      ['scimType', record.scimType ?? '(none)', 'request-scimType'],
      ['operation', record.operation ?? '', 'request-operation'],
      ['resource', [record.resourceType ?? '', ...(record.resourceIds ?? [])].join(' ').trim() || '(none)', 'request-resource'],
      ['userName', record.userName ?? '', 'request-userName'],
      ['externalId', record.externalId ?? '', 'request-externalId'],
      ['ignored attributes', (record.ignoredAttributes ?? []).join(', ') || '(none)', 'request-ignoredAttributes'],
      ['latency', `${record.latencyMs} ms`, 'request-latency'],
      ['correlation id', record.correlationId, 'request-correlationId'],
      ['client request id', record.clientRequestId ?? '', 'request-clientRequestId'],
      ['token id', record.tokenId ?? '', 'request-tokenId'],
      ['record id', record.recordId, 'request-recordId'],
    ]),
  );
  byId('request-body').textContent = pretty(record.requestBody);
  byId('response-body').textContent = pretty(record.responseBody);
  byId('request-none').hidden = true;
  byId('request-detail').hidden = false;
}

export function hideRequest(): void {
  selectedRecordId = null;
  byId('request-detail').hidden = true;
  byId('request-none').hidden = false;
}
