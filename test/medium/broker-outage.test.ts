import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBurst, isAmbiguous } from '../../deploy/chaos/burst';
import { CreatedEventTally, verifyBurst } from '../../deploy/chaos/verify';
import { KafkaNode } from '../../deploy/local/kafka-node';
import { freePort } from './support/processes';
import { ScimStack } from './support/scim-stack';
import { Topics } from '@app/contracts';

/**
 * A broker restart is routine operations: the gateway and the user-service stay up while Kafka
 * is SIGKILLed under a burst, answer 503 with Retry-After meanwhile, and take writes again once
 * the broker is back, with no manual step. Runs on a broker of its own (it kills it).
 */
let node: KafkaNode;
let stack: ScimStack;
let runDir: string;

beforeAll(async () => {
  runDir = mkdtempSync(join(tmpdir(), 'scim-broker-outage-'));
  node = new KafkaNode({ port: await freePort(), controllerPort: await freePort(), runDir });
  await node.start();
  stack = new ScimStack({ kafkaBrokers: node.brokers });
  await stack.start({ DECISION_TIMEOUT_MS: '3000', AUDIT_REQUEST_RECORDS: 'off' });
}, 240_000);

afterAll(async () => {
  await stack?.stop();
  await node?.stop().catch(() => undefined);
  rmSync(runDir, { recursive: true, force: true });
}, 120_000);

describe('a Kafka broker SIGKILLed under a burst and started again', () => {
  it('leaves every process running, answers 503 with Retry-After meanwhile, and 201 again afterwards', async () => {
    const tenants = await Promise.all([stack.tenant(), stack.tenant()]);
    const provisioned = tenants.map((t) => t.tenant);
    const tally = await new CreatedEventTally(node.brokers, stack.prefix + Topics.userEvents).start();
    const burst = new CreateBurst({ tenants: provisioned, concurrency: 20, label: stack.prefix }).start();
    try {
      await burst.waitFor(100, (o) => o.status === 201, 60_000);
      await node.kill();
      const killedAt = burst.elapsedMs;
      await new Promise((r) => setTimeout(r, 3000));
      await node.start();
      const restartedAt = burst.elapsedMs;
      // Writes are taken again once the broker is back (the gateway and services reconnect by themselves).
      await burst.waitFor(50, (o) => o.status === 201, 90_000, restartedAt);
      await burst.stop();

      for (const [name, p] of stack.processes) expect({ name, running: p.running }).toEqual({ name, running: true });
      // No request went unanswered: the gateway never stopped listening.
      expect(burst.count((o) => o.status === 0)).toBe(0);
      // Nothing but decisions and "try again later", always with Retry-After.
      expect({ others: burst.count((o) => ![201, 429, 503].includes(o.status)), summary: burst.summary() }).toMatchObject({ others: 0 });
      expect(burst.outcomes.filter((o) => o.status === 503 || o.status === 429).every((o) => Number(o.retryAfter) >= 1)).toBe(true);
      // No process survived by its last resort: every outage path has its own handler.
      for (const [name, p] of stack.processes) {
        expect({ name, faults: p.logLines().filter((l) => String(l.message).includes('(survived)')) }).toEqual({ name, faults: [] });
      }
      expect(burst.count((o) => o.at > killedAt && o.status === 201)).toBeGreaterThanOrEqual(50);

      const verdict = await verifyBurst(burst.outcomes, provisioned, tally);
      expect(verdict.problems).toEqual([]);
      expect(verdict.durable).toBe(verdict.created);
      expect(verdict.oneEvent).toBe(verdict.created);
      expect(verdict.ambiguous).toBe(burst.count(isAmbiguous));
    } finally {
      await burst.stop();
      await tally.stop();
    }
  }, 300_000);
});
