import { Topics } from '@app/contracts';
import { HttpMetricNames, MessagingMetricNames } from '@app/observability';
import { produce } from './support/kafka-helpers';
import { Sample, samplesOf, scrape, scrapeUntil } from './support/metrics-scrape';
import { freePort } from './support/processes';
import { entraUser, ScimClient, ScimStack } from './support/scim-stack';

/**
 * GET /metrics of the built services on the real broker and Postgres: what Prometheus scrapes
 * and the Grafana dashboard (deploy/grafana/scim-platform.json) reads.
 */
const stack = new ScimStack();
let tenant: ScimClient;

const url = (service: string) => stack.processes.get(service)!.url;
const group = (service: string) => `${stack.prefix}${service}`;
const single = (samples: Sample[], name: string, labels: Record<string, string>) => {
  const found = samplesOf(samples, name, labels);
  return found.length === 1 ? found[0].value : undefined;
};

beforeAll(async () => {
  await stack.start({}, { groups: true });
  await stack.startService('audit-log-service', await freePort());
  tenant = await stack.tenant();
});
afterAll(() => stack.stop());

describe('GET /metrics', () => {
  it.each(['scim-gateway', 'user-service', 'group-membership-service', 'audit-log-service'])(
    '%s serves its metrics, process metrics labelled with the service; with the service credential only where it has one',
    async (service) => {
      const samples = await scrape(url(service));
      const anonymous = await fetch(`${url(service)}/metrics`);
      expect(anonymous.status).toBe(service === 'audit-log-service' ? 200 : 401);
      expect(samplesOf(samples, 'process_cpu_user_seconds_total', { service })).toHaveLength(1);
      expect(samplesOf(samples, 'nodejs_heap_size_used_bytes', { service })).toHaveLength(1);
      expect(samples.every((s) => s.labels.service === service)).toBe(true);
    },
  );

  it('counts gateway requests by route pattern, method and status, never naming a tenant, and times them by status class', async () => {
    const created = await tenant.post('/Users', entraUser());
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect((await tenant.get(`/Users/${id}`)).status).toBe(200);
    expect((await tenant.get(`/Users/${id}`)).status).toBe(200);
    expect((await tenant.get('/Users/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await fetch(`${stack.gatewayUrl}/scim/v2/Users/${id}`)).status).toBe(401); // no token: no tenant
    expect((await fetch(`${stack.gatewayUrl}/no/such/route/${id}`)).status).toBe(404);
    await fetch(`${stack.gatewayUrl}/health`);
    await fetch(`${stack.gatewayUrl}/health/ready`);

    const samples = await scrape(stack.gatewayUrl);
    const requests = (labels: Record<string, string>) => single(samples, HttpMetricNames.requests, labels);
    expect(requests({ route: '/scim/v2/Users', method: 'POST', status: '201', tenant: 'none' })).toBe(1);
    expect(requests({ route: '/scim/v2/Users/:id', method: 'GET', status: '200', tenant: 'none' })).toBe(2);
    expect(requests({ route: '/scim/v2/Users/:id', method: 'GET', status: '404', tenant: 'none' })).toBe(1);
    // Tenant ids are not label values of the gateway's metrics (docs/security.md).
    expect(samples.filter((s) => Object.values(s.labels).includes(tenant.id))).toEqual([]);
    expect(requests({ route: '/scim/v2/Users/:id', method: 'GET', status: '401', tenant: 'none' })).toBe(1);
    expect(requests({ route: 'unmatched', method: 'GET', status: '404', tenant: 'none' })).toBe(1);
    const routes = new Set(samplesOf(samples, HttpMetricNames.requests).map((s) => s.labels.route));
    expect([...routes].filter((r) => r.includes(id) || r.startsWith('/health') || r === '/metrics')).toEqual([]);

    const duration = `${HttpMetricNames.duration}`;
    const getOk = { route: '/scim/v2/Users/:id', method: 'GET', status_class: '2xx' };
    expect(single(samples, `${duration}_count`, getOk)).toBe(2);
    expect(single(samples, `${duration}_bucket`, { ...getOk, le: '+Inf' })).toBe(2);
    expect(single(samples, `${duration}_sum`, getOk)).toBeGreaterThan(0);
    expect(single(samples, `${duration}_count`, { route: '/scim/v2/Users/:id', method: 'GET', status_class: '4xx' })).toBe(2);
    expect(single(samples, `${duration}_count`, { route: '/scim/v2/Users', method: 'POST', status_class: '2xx' })).toBe(1);
  });

  it('shows the user-service consuming its commands and publishing its outbox, and the group service catching up', async () => {
    expect((await tenant.post('/Users', entraUser())).status).toBe(201);
    const commands = { topic: Topics.userCommands, group: group('user-service') };

    const user = await scrapeUntil(url('user-service'), (samples) => {
      const published = single(samples, MessagingMetricNames.outboxPublished, { topic: Topics.userEvents }) ?? 0;
      const backlog = single(samples, MessagingMetricNames.outboxUnpublished, {});
      // The backlog is measured every 15 s; the first measurement is at start-up (0 then).
      return published >= 2 && backlog !== undefined ? samples : undefined;
    });
    expect(single(user, MessagingMetricNames.messagesConsumed, commands)).toBeGreaterThanOrEqual(2);
    expect(single(user, `${MessagingMetricNames.batchDuration}_count`, commands)).toBeGreaterThanOrEqual(1);
    const lag = samplesOf(user, MessagingMetricNames.consumerLag, commands);
    expect(lag.length).toBeGreaterThan(0);
    expect(lag.every((s) => /^\d+$/.test(s.labels.partition) && s.value === 0)).toBe(true);
    expect(single(user, MessagingMetricNames.outboxOldestUnpublishedAge, {})).toBeGreaterThanOrEqual(0);

    // The group service consumes the user events (a transactional topic: its commit markers
    // must not read as a lag of 1).
    const events = { topic: Topics.userEvents, group: group('group-membership-service') };
    await scrapeUntil(url('group-membership-service'), (samples) => {
      const consumed = single(samples, MessagingMetricNames.messagesConsumed, events) ?? 0;
      const lagging = samplesOf(samples, MessagingMetricNames.consumerLag, events).filter((s) => s.value > 0);
      return consumed >= 2 && lagging.length === 0 ? true : undefined;
    });
  });

  it('counts a poison record on a consumed topic as a dead letter of that topic', async () => {
    const deadLetters = { topic: Topics.userCommands, group: group('user-service'), kind: 'non-retryable' };
    const before = single(await scrape(url('user-service')), MessagingMetricNames.deadLetters, deadLetters) ?? 0;
    await produce(stack.kafka, stack.prefix + Topics.userCommands, [{ key: tenant.id, value: 'this is not json' }]);
    const after = await scrapeUntil(url('user-service'), (samples) => single(samples, MessagingMetricNames.deadLetters, deadLetters));
    expect(after).toBe(before + 1);
  });
});
