import { KeyedSlots, SlotRefusedError } from './tenant-read-gate';

describe('KeyedSlots', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs up to the limit per key, lets the rest wait in order, and keeps keys apart', async () => {
    const slots = new KeyedSlots(2, 1000);
    const a1 = await slots.acquire('a');
    await slots.acquire('a');
    const order: string[] = [];
    const third = slots.acquire('a').then((release) => (order.push('third'), release));
    const fourth = slots.acquire('a').then((release) => (order.push('fourth'), release));
    expect(slots.load('a')).toEqual({ running: 2, waiting: 2 });
    await slots.acquire('b'); // another key is not held up
    a1();
    a1(); // a second call of the same release frees nothing more
    const released = await third;
    expect(slots.load('a')).toEqual({ running: 2, waiting: 1 });
    released();
    await fourth;
    expect(order).toEqual(['third', 'fourth']);
  });

  it('refuses a waiter after its wait, and one past the line, and forgets an idle key', async () => {
    const slots = new KeyedSlots(1, 500, 1);
    const release = await slots.acquire('a');
    const waiting = slots.acquire('a');
    await expect(slots.acquire('a')).rejects.toEqual(new SlotRefusedError('queue'));
    jest.advanceTimersByTime(501);
    await expect(waiting).rejects.toHaveProperty('reason', 'timeout');
    release();
    expect(slots.load('a')).toEqual({ running: 0, waiting: 0 });
  });

  it('drops a waiter whose caller is gone, without giving it a slot', async () => {
    const slots = new KeyedSlots(1, 10_000);
    const release = await slots.acquire('a');
    const caller = new AbortController();
    const waiting = slots.acquire('a', caller.signal);
    caller.abort();
    await expect(waiting).rejects.toHaveProperty('reason', 'gone');
    expect(slots.load('a')).toEqual({ running: 1, waiting: 0 });
    release();
    expect(slots.load('a')).toEqual({ running: 0, waiting: 0 });
  });
});
