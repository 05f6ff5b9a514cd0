import { MetricsRegistry, type ComponentLogger } from '@app/observability';
import { ProcessSafetyNet } from './process-safety-net';

function recordingLogger() {
  const lines: Array<{ message: string; fields: Record<string, unknown> }> = [];
  const logger = { error: (message: string, fields: Record<string, unknown> = {}) => lines.push({ message, fields }) } as unknown as ComponentLogger;
  return { logger, lines };
}

describe('ProcessSafetyNet', () => {
  let net: ProcessSafetyNet | undefined;
  afterEach(() => net?.uninstall());

  it('keeps the process alive through an unhandled rejection, logging it with its stack and counting it', async () => {
    const { logger, lines } = recordingLogger();
    net = new ProcessSafetyNet(logger).install();
    const metrics = new MetricsRegistry({ service: 'test', defaultMetrics: false });
    net.countIn(metrics);
    // What Node emits for a rejected promise nobody handled (jest keeps real ones to itself).
    const rejected = Promise.reject(new Error('nobody awaited me'));
    rejected.catch(() => undefined);
    process.emit('unhandledRejection', new Error('nobody awaited me'), rejected);
    expect(net.faults['unhandled-rejection']).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0].message).toContain('unhandled promise rejection');
    expect((lines[0].fields.error as Error).message).toBe('nobody awaited me');
    const exposition = await metrics.expose();
    expect(exposition.ok && exposition.body).toContain('process_faults_total{kind="unhandled-rejection",service="test"} 1');
  });

  it('counts faults seen before the metrics existed once they do', async () => {
    const { logger } = recordingLogger();
    net = new ProcessSafetyNet(logger).install();
    (process.emit as (event: string, ...args: unknown[]) => boolean)('uncaughtException', new Error('early'), 'uncaughtException');
    const metrics = new MetricsRegistry({ service: 'test', defaultMetrics: false });
    net.countIn(metrics);
    const exposition = await metrics.expose();
    expect(exposition.ok && exposition.body).toContain('process_faults_total{kind="uncaught-exception",service="test"} 1');
  });
});
