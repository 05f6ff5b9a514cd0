import { Client } from 'pg';
import type { Page } from 'playwright-core';
import { HeadlessChromium, screenshot, waitForText } from './support/chromium';
import { AuditRoutes, Headers, Topics, type AuditPage, type AuditedChange, type DeadLetter, type DeadLetterDetail, type ReplayedDeadLetters } from '@app/contracts';
import { uniqueId } from './support/names';
import { entraUser, ScimStack, type ScimClient } from './support/scim-stack';

/**
 * Dead letters you can act on (issue 16): a bug (a database trigger that refuses one user's
 * change) makes the audit log dead-letter that user's event; the audit log lists it with its
 * error; after the fix (the trigger dropped) ops replay it, and its effect is stored exactly once,
 * however often it is replayed.
 */
const stack = new ScimStack();
let scim: ScimClient;
let auditDb: Client;
let browser: HeadlessChromium | undefined;
let page: Page;
const poisonName = `${uniqueId('poison')}@example.com`;

beforeAll(async () => {
  await stack.start({}, { audit: true });
  scim = await stack.tenant();
  auditDb = new Client({ connectionString: stack.databaseUrlOf('audit-log-service') });
  await auditDb.connect();
  // The bug: the audit store refuses this one user's change as bad data (SQLSTATE 22023).
  await auditDb.query(`CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.user_name = '${poisonName}' THEN RAISE EXCEPTION 'refusing %', NEW.user_name USING ERRCODE = '22023'; END IF;
      RETURN NEW;
    END $$`);
  await auditDb.query('CREATE TRIGGER refuse_poison BEFORE INSERT ON audit_changes FOR EACH ROW EXECUTE FUNCTION refuse_poison()');
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await auditDb?.end();
  await stack.stop();
}, 60_000);

async function audit<T>(method: string, path: string, body?: unknown, token = stack.auditOpsToken): Promise<{ status: number; body: T }> {
  const res = await fetch(stack.auditUrl + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

const changesOf = async (userId: string) =>
  (await audit<AuditPage<AuditedChange>>('GET', `${AuditRoutes.changes}?tenantId=${scim.id}&resourceType=User&resourceId=${userId}`)).body.items;

/** Waits until the audit log's event consumer has committed past `offset` on `partition` of the user events. */
async function consumedPast(partition: number, offset: string): Promise<void> {
  const admin = stack.kafka.admin();
  await admin.connect();
  try {
    await eventually(`the audit log consumed offset ${offset} of partition ${partition}`, async () => {
      const [topic] = await admin.fetchOffsets({ groupId: `${stack.prefix}audit-log-service`, topics: [stack.prefix + Topics.userEvents] });
      const committed = topic?.partitions.find((p) => p.partition === partition)?.offset ?? '-1';
      return BigInt(committed) > BigInt(offset) ? true : undefined;
    });
  } finally {
    await admin.disconnect();
  }
}

describe('dead letters', () => {
  let poisonId = '';
  let fineId = '';
  let letter: DeadLetter;

  it('lists the message a consumer dead-lettered, with its error, attempts, time and original value', async () => {
    const poison = await scim.post('/Users', { ...entraUser(), userName: poisonName });
    const fine = await scim.post('/Users', entraUser());
    expect([poison.status, fine.status]).toEqual([201, 201]);
    poisonId = poison.body.id;
    fineId = fine.body.id;

    letter = await eventually('the dead letter is listed', async () => {
      const page = await audit<AuditPage<DeadLetter>>('GET', `${AuditRoutes.deadLetters}?topic=${Topics.userEvents}&tenantId=${scim.id}`);
      expect(page.status).toBe(200);
      return page.body.items[0];
    });
    expect(letter).toMatchObject({
      originalTopic: Topics.userEvents,
      deadLetterTopic: `${Topics.userEvents}.dlt`,
      consumerGroup: `${stack.prefix}audit-log-service`,
      tenantId: scim.id,
      errorKind: 'non-retryable',
      key: `${scim.id}/${poisonId}`,
      valueEncoding: 'utf8',
      replayCount: 0,
    });
    expect(letter.error).toContain(`refusing ${poisonName}`);
    expect(letter.attempts).toBeGreaterThanOrEqual(1);
    expect(Number.isNaN(Date.parse(letter.failedAt))).toBe(false);
    const event = JSON.parse(letter.value!) as { subject: string; type: string; id: string };
    expect(event).toMatchObject({ subject: poisonId, type: 'scim.user.created' });
    expect(letter.messageId).toBe(event.id);
    expect(letter.headers[Headers.messageId]).toBe(event.id);
    expect(Object.keys(letter.headers).some((h) => h.startsWith('dlt-'))).toBe(false);

    // Its neighbour went through; the poisoned user has no change in the log.
    await eventually('the fine user is in the log', async () => ((await changesOf(fineId)).length === 1 ? true : undefined));
    expect(await changesOf(poisonId)).toHaveLength(0);
  });

  it('is for ops only, and refuses bad replays before sending anything', async () => {
    const issued = await audit<{ token: string }>('POST', AuditRoutes.credentials, { tenantId: scim.id });
    expect((await audit('GET', AuditRoutes.deadLetters, undefined, issued.body.token)).status).toBe(403);
    expect((await audit('POST', AuditRoutes.replayDeadLetters, { ids: [letter.id] }, issued.body.token)).status).toBe(403);
    expect((await audit('POST', AuditRoutes.replayDeadLetters, { ids: [] })).status).toBe(400);
    expect((await audit('POST', AuditRoutes.replayDeadLetters, { ids: ['not-an-id'] })).status).toBe(400);
    expect((await audit('POST', AuditRoutes.replayDeadLetters, { ids: [letter.id, '999999999'] })).status).toBe(404);
    expect((await audit('GET', AuditRoutes.deadLetter('999999999'))).status).toBe(404);
    expect((await audit('GET', `${AuditRoutes.deadLetters}?topic=nope`)).status).toBe(400);
    expect((await audit<DeadLetterDetail>('GET', AuditRoutes.deadLetter(letter.id))).body.replayCount).toBe(0);
  });

  it('replays it after the fix, records the replay, and stores its effect once however often it is replayed', async () => {
    await auditDb.query('DROP TRIGGER refuse_poison ON audit_changes'); // the fix

    // The first replay from the dashboard, as ops would: the letter is listed, selected, replayed with a reason.
    browser = await HeadlessChromium.launch();
    page = await browser.newPage();
    page.setDefaultTimeout(30_000);
    try {
      await page.goto(`${stack.auditUrl}${AuditRoutes.dashboard}`);
      await page.getByTestId('token-input').fill(stack.auditOpsToken);
      await page.getByTestId('signin-submit').click();
      const row = page.locator(`[data-testid="letter-row"][data-letter-id="${letter.id}"]`);
      await waitForText(row.getByTestId('letter-error'), new RegExp(`refusing ${poisonName.replace(/[.]/g, '\\.')}`));
      await waitForText(row.getByTestId('letter-topic'), new RegExp(Topics.userEvents.replace(/[.]/g, '\\.')));
      await row.getByTestId('letter-select').check();
      await page.getByTestId('replay-reason').fill('trigger fixed');
      await page.getByTestId('replay').click();
      await waitForText(page.getByTestId('replay-status'), new RegExp(`replayed 1: #${letter.id} → ${Topics.userEvents.replace(/[.]/g, '\\.')}`));
      // Listed as not yet replayed only (the default): it left the list.
      await row.waitFor({ state: 'detached' });
      expect(browser.problems).toEqual([]);
    } catch (err) {
      const file = await screenshot(page, 'dead-letters').catch(() => undefined);
      if (file && err instanceof Error) err.message += `\n(screenshot: ${file})`;
      throw err;
    }
    const changes = await eventually('the replayed change is stored', async () => {
      const items = await changesOf(poisonId);
      return items.length > 0 ? items : undefined;
    });
    expect(changes).toEqual([expect.objectContaining({ type: 'scim.user.created', resourceId: poisonId, userName: poisonName })]);

    // A second replay is delivered like any redelivery, and changes nothing.
    const second = await audit<ReplayedDeadLetters>('POST', AuditRoutes.replayDeadLetters, { ids: [letter.id] });
    expect(second.status).toBe(200);
    const [replayed] = second.body.replays;
    await consumedPast(replayed.partition, replayed.offset);
    expect(await changesOf(poisonId)).toHaveLength(1);

    const detail = await audit<DeadLetterDetail>('GET', AuditRoutes.deadLetter(letter.id));
    expect(detail.body).toMatchObject({ replayCount: 2, lastReplayedAt: expect.any(String) });
    expect(detail.body.replays.map((r) => r.reason)).toEqual(['trigger fixed', null]);
    expect(detail.body.replays[0]).toMatchObject({ topic: Topics.userEvents, replayedBy: 'ops' });
    const replayedOnly = await audit<AuditPage<DeadLetter>>('GET', `${AuditRoutes.deadLetters}?replayed=true&tenantId=${scim.id}`);
    expect(replayedOnly.body.items.map((d) => d.id)).toEqual([letter.id]);
  });
});
