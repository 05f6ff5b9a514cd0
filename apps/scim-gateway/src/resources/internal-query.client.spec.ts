import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runWithCorrelation } from '@app/observability';
import { ScimError } from '@app/scim';
import { InternalQueryClient } from './internal-query.client';

/** A service that never answers, and tells when the gateway's request to it was abandoned. */
function silentService(): Promise<{ server: Server; url: string; closed: Promise<void>; headers: Array<Record<string, unknown>> }> {
  let closedResolve: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => (closedResolve = resolve));
  const headers: Array<Record<string, unknown>> = [];
  const server = createServer((req) => {
    headers.push(req.headers);
    req.socket.once('close', closedResolve);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, closed, headers })));
}

describe('InternalQueryClient', () => {
  it('abandons its read as soon as the SCIM client that asked has hung up, so the owning service can cancel it', async () => {
    const service = await silentService();
    try {
      const client = new InternalQueryClient(service.url, 30_000, 'user store');
      const gone = new AbortController();
      const started = Date.now();
      const read = runWithCorrelation({ correlationId: 'c', clientGone: gone.signal }, () => client.post('/query', {}));
      setTimeout(() => gone.abort(), 100);
      await expect(read).rejects.toEqual(expect.objectContaining({ status: 503 }) as ScimError);
      await service.closed; // the service saw the request go away
      expect(service.headers[0]).toMatchObject({ 'x-correlation-id': 'c' }); // and got the SCIM request's correlation id
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      service.server.close();
    }
  });
});
