import { connect, type Socket } from 'node:net';
import { Client } from 'pg';
import { SCIM_ERROR_SCHEMA } from '@app/scim';
import { UserServiceHarness } from './support/user-service-harness';

/**
 * Bounds every service process gets from its bootstrap (libs/runtime), shown on the user-service:
 * - a statement timeout on every pooled connection (DATABASE_STATEMENT_TIMEOUT_MS): a read stuck
 *   behind a lock is cut off and answered 503, and the pool serves the next read;
 * - HTTP headers and request timeouts (HTTP_HEADERS_TIMEOUT_MS, HTTP_REQUEST_TIMEOUT_MS): a client
 *   that sends its request slowly, or never finishes it, has its socket closed.
 */
describe('the bounds of a service process (real Postgres, the built user-service)', () => {
  let harness: UserServiceHarness;
  const TENANT = 'bounds';

  beforeAll(async () => {
    harness = await UserServiceHarness.create('service_bounds');
    await harness.start({ DATABASE_STATEMENT_TIMEOUT_MS: '500', HTTP_HEADERS_TIMEOUT_MS: '1000', HTTP_REQUEST_TIMEOUT_MS: '2000' });
  }, 120_000);

  afterAll(async () => {
    await harness?.stop();
  });

  it('cuts a read off at the statement timeout with a 503, and the pool serves the next one', async () => {
    expect((await harness.query(TENANT, {})).status).toBe(200);
    const locker = new Client({ connectionString: harness.databaseUrl });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE users IN ACCESS EXCLUSIVE MODE');
      // Without a statement timeout this read would wait for the lock as long as it is held.
      const stuck = await harness.query(TENANT, { filter: 'userName eq "ada@example.com"' }, undefined, { 'x-correlation-id': 'bounds-stuck-read' });
      expect(stuck.status).toBe(503);
      expect(stuck.body).toEqual({ schemas: [SCIM_ERROR_SCHEMA], status: '503', detail: expect.stringMatching(/statement timeout/) });
      // The caller's correlation id is the request's: echoed, and on the service's log line about it.
      expect(stuck.headers.get('x-correlation-id')).toBe('bounds-stuck-read');
      expect(harness.service.logLines()).toContainEqual(expect.objectContaining({ message: 'query cancelled by the statement timeout', correlationId: 'bounds-stuck-read' }));
    } finally {
      await locker.query('ROLLBACK').catch(() => undefined);
      await locker.end();
    }
    expect((await harness.query(TENANT, { filter: 'userName eq "ada@example.com"' })).status).toBe(200);
  }, 60_000);

  /** Resolves when the server closes the socket; the test never sends the rest of the request. */
  const closedByServer = (socket: Socket) =>
    new Promise<string>((resolve) => {
      let answer = '';
      socket.on('data', (d) => (answer += d.toString()));
      socket.on('close', () => resolve(answer));
      socket.on('error', () => undefined);
    });

  it('closes the socket of a client that never finishes its headers (slowloris)', async () => {
    const { port } = new URL(harness.service.url);
    const sockets = Array.from({ length: 5 }, () => connect(Number(port), '127.0.0.1'));
    for (const s of sockets) s.write('GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    // A byte every 300 ms keeps each socket busy, but the headers never end.
    const drip = setInterval(() => sockets.forEach((s) => s.writable && s.write('a')), 300);
    try {
      const answers = await Promise.all(sockets.map(closedByServer));
      for (const answer of answers) expect(answer === '' || /^HTTP\/1\.1 408/.test(answer)).toBe(true);
    } finally {
      clearInterval(drip);
      sockets.forEach((s) => s.destroy());
    }
  }, 30_000);

  it('closes the socket of a client that never finishes its body', async () => {
    const { port } = new URL(harness.service.url);
    const socket = connect(Number(port), '127.0.0.1');
    socket.write('POST /health HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"a":');
    const drip = setInterval(() => socket.writable && socket.write(' '), 300);
    try {
      const answer = await closedByServer(socket);
      expect(answer === '' || /^HTTP\/1\.1 408/.test(answer)).toBe(true);
    } finally {
      clearInterval(drip);
      socket.destroy();
    }
  }, 30_000);
});
