import { AuditRoutes, type AuditPage, type DeadLetter, type ReplayedDeadLetters } from '@app/contracts';
import { itemsOf, type Context } from '../context';
import { byId, el } from '../dom';
import { utc } from '../format';

const selected = new Set<string>();

/** Dead letters of every topic (ops only), newest first, with a checkbox each for a replay. */
export async function loadDeadLetters(ctx: Context): Promise<void> {
  const panel = byId('dead-letters-panel');
  panel.hidden = !ctx.isOps;
  if (!ctx.isOps) return;
  const fresh = ctx.fresh.next('letters');
  const unreplayed = byId<HTMLInputElement>('letters-unreplayed').checked;
  const page = await ctx.api.get<AuditPage<DeadLetter>>(AuditRoutes.deadLetters, { tenantId: ctx.tenantId, replayed: unreplayed ? 'false' : undefined, limit: 50 });
  if (!fresh()) return;
  const letters = itemsOf(page);
  for (const id of [...selected]) if (!letters.some((l) => l.id === id)) selected.delete(id);
  byId('letters-body').replaceChildren(...letters.map((l) => letterRow(l)));
  byId('letters-empty').hidden = letters.length > 0;
  updateReplayButton();
}

function letterRow(letter: DeadLetter): HTMLTableRowElement {
  const box = el('input', { type: 'checkbox', testid: 'letter-select', 'aria-label': `select dead letter ${letter.id}` });
  box.checked = selected.has(letter.id);
  box.addEventListener('change', () => {
    if (box.checked) selected.add(letter.id);
    else selected.delete(letter.id);
    updateReplayButton();
  });
  const value = letter.value === null ? '(no value)' : letter.valueEncoding === 'base64' ? `(base64) ${letter.value}` : letter.value;
  return el('tr', { testid: 'letter-row', 'data-letter-id': letter.id }, [
    el('td', {}, [box]),
    el('td', { class: 'time', text: utc(letter.failedAt) }),
    el('td', { testid: 'letter-topic', text: `${letter.originalTopic}${letter.consumerGroup ? ` (${letter.consumerGroup})` : ''}` }),
    el('td', { text: letter.tenantId ?? '' }),
    el('td', { class: 'error', testid: 'letter-error', text: `${letter.errorKind ? `${letter.errorKind}: ` : ''}${letter.error}` }),
    el('td', { class: 'nowrap', text: letter.attempts ?? '' }),
    el('td', { class: 'nowrap', testid: 'letter-replays', text: letter.replayCount ? `${letter.replayCount} (last ${utc(letter.lastReplayedAt)})` : '0' }),
    el('td', { class: 'value' }, [el('pre', { text: value + (letter.valueTruncated ? ' …' : '') })]),
  ]);
}

function updateReplayButton(): void {
  const button = byId<HTMLButtonElement>('replay');
  button.disabled = selected.size === 0;
  button.textContent = selected.size ? `Replay ${selected.size} selected` : 'Replay selected';
}

/** Replays the selected dead letters to their topics, recorded with the reason typed beside the button. */
export async function replaySelected(ctx: Context): Promise<void> {
  if (selected.size === 0) return;
  const reason = byId<HTMLInputElement>('replay-reason').value.trim();
  const answer = await ctx.api.post<ReplayedDeadLetters>(AuditRoutes.replayDeadLetters, { ids: [...selected], ...(reason ? { reason } : {}) });
  selected.clear();
  byId('replay-status').textContent = `replayed ${answer.replays.length}: ${answer.replays.map((r) => `#${r.deadLetterId} → ${r.topic} [${r.partition}] @${r.offset}`).join(', ')}`;
  await loadDeadLetters(ctx);
}

export function clearDeadLetters(): void {
  selected.clear();
  byId('letters-body').replaceChildren();
  byId('replay-status').textContent = '';
  byId('dead-letters-panel').hidden = true;
}
