import { Counter, Gauge } from 'prom-client';
import { JsonLogger } from '../json-logger';
import { MetricsRegistry } from './metrics-registry';

describe('MetricsRegistry', () => {
  it('keeps two services in one process apart, each metric labelled with its service, process metrics included', async () => {
    const gateway = new MetricsRegistry({ service: 'scim-gateway' });
    const users = new MetricsRegistry({ service: 'user-service' });
    gateway.counter({ name: 'test_things_total', help: 'things', labelNames: ['kind'] }).inc({ kind: 'a' }, 2);
    users.counter({ name: 'test_things_total', help: 'things', labelNames: ['kind'] }).inc({ kind: 'a' });

    const g = await gateway.expose();
    const u = await users.expose();
    if (!g.ok || !u.ok) throw new Error('exposition failed');
    expect(g.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(g.body).toContain('test_things_total{kind="a",service="scim-gateway"} 2');
    expect(u.body).toContain('test_things_total{kind="a",service="user-service"} 1');
    expect(u.body).not.toContain('scim-gateway');
    expect(g.body).toMatch(/^process_cpu_user_seconds_total\{service="scim-gateway"\} /m);
    expect(g.body).toMatch(/^nodejs_eventloop_lag_seconds\{service="scim-gateway"\} /m);
  });

  it('leaves the process metrics out when asked', async () => {
    const m = new MetricsRegistry({ service: 's', defaultMetrics: false });
    expect(m.exposedNames()).toEqual([]);
  });

  it('hands every caller the same metric for a name, and refuses the name for another type', () => {
    const m = new MetricsRegistry({ service: 's', defaultMetrics: false });
    const a = m.counter({ name: 'test_shared_total', help: 'h', labelNames: ['x'] });
    const b = m.counter({ name: 'test_shared_total', help: 'h', labelNames: ['x'] });
    expect(b).toBe(a);
    expect(a).toBeInstanceOf(Counter);
    expect(() => m.gauge({ name: 'test_shared_total', help: 'h', labelNames: ['x'] })).toThrow(/already registered as another type/);
    expect(m.gauge({ name: 'test_level', help: 'h', labelNames: [] })).toBeInstanceOf(Gauge);
  });

  it('lists the sample names PromQL sees, a histogram as its bucket, sum and count series', () => {
    const m = new MetricsRegistry({ service: 's', defaultMetrics: false });
    m.counter({ name: 'test_a_total', help: 'h', labelNames: [] });
    m.histogram({ name: 'test_b_seconds', help: 'h', labelNames: ['route'], buckets: [1] });
    expect(m.exposedNames().sort()).toEqual(['test_a_total', 'test_b_seconds_bucket', 'test_b_seconds_count', 'test_b_seconds_sum']);
  });

  it('reports a failing collector as a failed exposition and logs it, instead of throwing', async () => {
    const lines: string[] = [];
    const m = new MetricsRegistry({ service: 's', defaultMetrics: false, logger: new JsonLogger('s', 'info', (l) => lines.push(l)).child('metrics') });
    new Gauge({
      name: 'test_broken',
      help: 'h',
      registers: [m.registry],
      collect() {
        throw new Error('collector broke');
      },
    });
    const result = await m.expose();
    expect(result).toMatchObject({ ok: false, error: { message: 'collector broke' } });
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      expect.objectContaining({ level: 'error', message: 'collecting metrics failed', component: 'metrics', error: expect.objectContaining({ message: 'collector broke' }) }),
    ]);
  });
});
