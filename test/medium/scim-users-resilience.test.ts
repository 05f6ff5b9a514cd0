import { entraUser, ScimStack } from './support/scim-stack';

/**
 * Nothing accepted is lost and nothing is duplicated when the user-service dies: through the
 * built gateway and user-service, on real Kafka and Postgres.
 */
const stack = new ScimStack();

beforeAll(() => stack.start({ DECISION_TIMEOUT_MS: '2000' }));
afterAll(() => stack.stop());

function userServicePort(): number {
  return Number(new URL(stack.processes.get('user-service')!.url).port);
}

async function restartUserService(): Promise<void> {
  await stack.startService('user-service', userServicePort(), { KAFKA_SESSION_TIMEOUT_MS: '6000' });
}

describe('a user-service crash', () => {
  it('answers 503 with Retry-After when no decision comes in time, and the command still applies later', async () => {
    const entra = await stack.tenant();
    await stack.processes.get('user-service')!.kill('SIGKILL');
    const body = entraUser();
    const late = await entra.post('/Users', body);
    expect(late.status).toBe(503);
    expect(Number(late.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(late.body.status).toBe('503');

    await restartUserService();
    // The accepted command was decided once the service was back; Entra's retry finds the user.
    const deadline = Date.now() + 30000;
    let found = 0;
    while (found === 0 && Date.now() < deadline) {
      const res = await entra.get(`/Users?filter=${encodeURIComponent(`userName eq "${body.userName}"`)}`);
      found = res.body.totalResults ?? 0;
      if (found === 0) await new Promise((r) => setTimeout(r, 250));
    }
    expect(found).toBe(1);
    expect((await entra.post('/Users', body)).status).toBe(409);
  });

  it('gives every 201 of a burst exactly one created event across a SIGKILL mid-burst', async () => {
    const entra = await stack.tenant();
    const statuses = new Map<number, number>();
    const created: string[] = [];
    const userNames: string[] = [];
    let sent = 0;
    const total = 400;
    const worker = async () => {
      while (sent < total) {
        const body = entraUser();
        sent++;
        userNames.push(String(body.userName));
        const res = await entra.post('/Users', body);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status === 201) created.push(res.body.id);
      }
    };
    const burst = Promise.all(Array.from({ length: 20 }, worker));
    while (created.length < 100) await new Promise((r) => setTimeout(r, 20));
    await stack.processes.get('user-service')!.kill('SIGKILL');
    await restartUserService();
    await burst;

    expect([...statuses.keys()].every((s) => s === 201 || s === 503)).toBe(true);
    expect(statuses.get(201)).toBeGreaterThan(100);
    // Every user that exists (201 or accepted before a 503) has exactly one created event.
    const deadline = Date.now() + 60000;
    const createdEvents = () =>
      stack.userEvents.json<{ type: string; subject: string; tenantid: string }>().filter((e) => e.type === 'scim.user.created' && e.tenantid === entra.id);
    while (created.some((id) => !createdEvents().some((e) => e.subject === id)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    await stack.userEvents.settle(3000);
    const subjects = createdEvents().map((e) => e.subject);
    expect(new Set(subjects).size).toBe(subjects.length); // no duplicates
    for (const id of created) expect(subjects).toContain(id);
    const stored = await entra.get('/Users?count=0');
    expect(stored.body.totalResults).toBe(subjects.length); // one event per user that exists, none for users that do not
    expect(stored.body.totalResults).toBeLessThanOrEqual(userNames.length);
  });
});
