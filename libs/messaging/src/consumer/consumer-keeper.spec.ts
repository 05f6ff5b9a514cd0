import { EventEmitter } from 'node:events';
import type { Consumer } from 'kafkajs';
import type { ComponentLogger } from '@app/observability';
import { ConsumerKeeper } from './consumer-keeper';

/** Just enough of a kafkajs consumer to emit its instrumentation events. */
class FakeConsumer extends EventEmitter {
  readonly events = { GROUP_JOIN: 'consumer.group_join', CRASH: 'consumer.crash', STOP: 'consumer.stop' };
  disconnected = false;
  async disconnect() {
    this.disconnected = true;
  }
  crash(restart: boolean) {
    this.emit(this.events.CRASH, { payload: { error: new Error('boom'), groupId: 'g', restart } });
  }
  join() {
    this.emit(this.events.GROUP_JOIN, { payload: { memberAssignment: {} } });
  }
}

const logger = { info: () => undefined, warn: () => undefined, error: () => undefined } as unknown as ComponentLogger;

describe('ConsumerKeeper', () => {
  it('replaces a consumer kafkajs gave up on, and reports readiness from the current one', async () => {
    const created: FakeConsumer[] = [];
    const keeper = new ConsumerKeeper({
      name: 'test',
      logger,
      restartDelayMs: 1,
      create: () => {
        const c = new FakeConsumer();
        created.push(c);
        return c as unknown as Consumer;
      },
      run: async (c) => (c as unknown as FakeConsumer).join(),
    });
    await keeper.start();
    expect(keeper.joined).toBe(true);

    created[0].crash(true); // kafkajs restarts this one itself
    await new Promise((r) => setTimeout(r, 20));
    expect(created).toHaveLength(1);
    expect(keeper.joined).toBe(false);
    created[0].join();

    created[0].crash(false); // kafkajs gave up: a new consumer takes over
    expect(keeper.joined).toBe(false);
    await new Promise((r) => setTimeout(r, 50));
    expect(created).toHaveLength(2);
    expect(created[0].disconnected).toBe(true);
    expect(keeper.consumer).toBe(created[1]);
    expect(keeper.joined).toBe(true);

    await keeper.stop();
    expect(created[1].disconnected).toBe(true);
    created[1].crash(false); // after stop nothing is restarted
    await new Promise((r) => setTimeout(r, 20));
    expect(created).toHaveLength(2);
  });

  it('keeps trying when the replacement cannot start', async () => {
    let attempts = 0;
    const keeper = new ConsumerKeeper({
      name: 'test',
      logger,
      restartDelayMs: 1,
      create: () => new FakeConsumer() as unknown as Consumer,
      run: async (c) => {
        attempts += 1;
        if (attempts === 2 || attempts === 3) throw new Error('broker away');
        (c as unknown as FakeConsumer).join();
      },
    });
    await keeper.start();
    (keeper.consumer as unknown as FakeConsumer).crash(false);
    await new Promise((r) => setTimeout(r, 100));
    expect(attempts).toBe(4);
    expect(keeper.joined).toBe(true);
    await keeper.stop();
  });
});
