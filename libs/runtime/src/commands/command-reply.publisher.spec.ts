import { Topics } from '@app/contracts';
import type { TypedProducer } from '@app/messaging';
import { CommandReplyPublisher } from './command-reply.publisher';

describe('CommandReplyPublisher', () => {
  it('keys each reply by the waiting gateway instance, copies reply-to, and skips commands nobody waits for', async () => {
    const sent: Array<{ topic: string; records: unknown[] }> = [];
    const producer = { send: async (topic: string, records: unknown[]) => void sent.push({ topic, records }) } as unknown as TypedProducer;
    await new CommandReplyPublisher(producer).publish([
      { reply: { commandId: 'c1', tenantId: 't1', status: 201 }, replyTo: 'gw-a', correlationId: 'corr-1' },
      { reply: { commandId: 'c2', tenantId: 't1', status: 409 } },
      { reply: { commandId: 'c3', tenantId: 't2', status: 204 }, replyTo: 'gw-b' },
    ]);
    expect(sent).toEqual([
      {
        topic: Topics.commandReplies,
        records: [
          {
            key: 'gw-a',
            value: { commandId: 'c1', tenantId: 't1', status: 201 },
            headers: { 'reply-to': 'gw-a', 'message-id': 'c1', 'tenant-id': 't1', 'correlation-id': 'corr-1' },
          },
          { key: 'gw-b', value: { commandId: 'c3', tenantId: 't2', status: 204 }, headers: { 'reply-to': 'gw-b', 'message-id': 'c3', 'tenant-id': 't2' } },
        ],
      },
    ]);
  });
});
