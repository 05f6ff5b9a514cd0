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

describe('CommandReplyPublisher over HTTP', () => {
  it('posts each batch once per waiting instance URL, and sends instance ids on the topic as before', async () => {
    const { createServer } = await import('node:http');
    const received: Array<{ url: string; body: unknown; auth?: string }> = [];
    const server = createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => {
        received.push({ url: req.url!, body: JSON.parse(text), auth: req.headers['x-internal'] as string | undefined });
        res.writeHead(req.url!.endsWith('/gone') ? 404 : 204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}/internal/v1/command-replies`;
    const sent: Array<{ topic: string; records: unknown[] }> = [];
    const producer = { send: async (topic: string, records: unknown[]) => void sent.push({ topic, records }) } as unknown as TypedProducer;
    try {
      await new CommandReplyPublisher(producer, undefined, { 'x-internal': 'secret' }).publish([
        { reply: { commandId: 'c1', tenantId: 't1', status: 201 }, replyTo: `${base}/gw-a` },
        { reply: { commandId: 'c2', tenantId: 't2', status: 409 }, replyTo: `${base}/gw-a` },
        { reply: { commandId: 'c3', tenantId: 't1', status: 204 }, replyTo: `${base}/gone` },
        { reply: { commandId: 'c4', tenantId: 't1', status: 200 }, replyTo: 'gw-b' },
      ]);
    } finally {
      server.close();
    }
    expect(received.sort((a, b) => a.url.localeCompare(b.url))).toEqual([
      { url: '/internal/v1/command-replies/gone', body: { replies: [{ commandId: 'c3', tenantId: 't1', status: 204 }] }, auth: 'secret' },
      {
        url: '/internal/v1/command-replies/gw-a',
        body: {
          replies: [
            { commandId: 'c1', tenantId: 't1', status: 201 },
            { commandId: 'c2', tenantId: 't2', status: 409 },
          ],
        },
        auth: 'secret',
      },
    ]);
    expect(sent).toHaveLength(1);
    expect(sent[0].records).toHaveLength(1);
  });
});
