import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Topics } from '@app/contracts';
import { entraUser, ScimStack, type ScimClient } from './support/scim-stack';
import { eventually } from './support/eventually';

/**
 * One trace follows a SCIM create through every hop: the gateway's HTTP server span (child of the
 * client's traceparent), its Kafka send, the user-service's processing of the command, its
 * Postgres statements, the event the outbox publishes (its traceparent header) and the audit
 * log's processing of that event. The services export by OTLP/HTTP to a receiver in this test,
 * which keeps the spans in memory.
 */
interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
}

const SPAN_KIND = { server: 2, client: 3, producer: 4, consumer: 5 };

class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  private server?: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        try {
          if (req.url === '/v1/traces') this.take(JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpExport);
          res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        } catch {
          res.writeHead(400).end();
        }
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  inTrace(traceId: string): ReceivedSpan[] {
    return this.spans.filter((s) => s.traceId === traceId);
  }

  private take(body: OtlpExport): void {
    for (const rs of body.resourceSpans ?? []) {
      const service = String(rs.resource?.attributes?.find((a) => a.key === 'service.name')?.value?.stringValue ?? '');
      for (const ss of rs.scopeSpans ?? []) {
        for (const s of ss.spans ?? []) {
          this.spans.push({
            service,
            traceId: hex(s.traceId),
            spanId: hex(s.spanId),
            parentSpanId: hex(s.parentSpanId),
            name: s.name,
            kind: s.kind,
            attributes: Object.fromEntries((s.attributes ?? []).map((a) => [a.key, Object.values(a.value ?? {})[0]])),
          });
        }
      }
    }
  }
}

interface OtlpExport {
  resourceSpans?: Array<{
    resource?: { attributes?: Array<{ key: string; value?: { stringValue?: string } }> };
    scopeSpans?: Array<{
      spans?: Array<{ traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number; attributes?: Array<{ key: string; value?: Record<string, unknown> }> }>;
    }>;
  }>;
}

/** OTLP/JSON ids are hex; some encoders send base64. */
function hex(id: string | undefined): string {
  if (!id) return '';
  return /^[0-9a-f]+$/.test(id) ? id : Buffer.from(id, 'base64').toString('hex');
}

const receiver = new OtlpReceiver();
const stack = new ScimStack();
let scim: ScimClient;

beforeAll(async () => {
  await receiver.start();
  await stack.start({}, { audit: true, env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '100' } });
  scim = await stack.tenant();
}, 180_000);

afterAll(async () => {
  await stack.stop();
  await receiver.stop();
}, 60_000);

describe('one trace across HTTP, Kafka, Postgres and the outbox', () => {
  it('follows a create from the client to the audit log', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const clientSpan = '00f067aa0ba902b7';
    const res = await scim.request('POST', '/Users', entraUser(), { traceparent: `00-${traceId}-${clientSpan}-01` });
    expect(res.status).toBe(201);
    const userId = res.body.id as string;

    const gatewayServer = await eventually('the gateway exported its server span', () =>
      receiver.inTrace(traceId).find((s) => s.service === 'scim-gateway' && s.kind === SPAN_KIND.server && s.name === 'POST /scim/v2/Users'),
    );
    expect(gatewayServer.parentSpanId).toBe(clientSpan);
    expect(gatewayServer.attributes).toMatchObject({ 'http.response.status_code': 201 });

    const send = await eventually('the gateway exported its Kafka send', () =>
      receiver.inTrace(traceId).find((s) => s.service === 'scim-gateway' && s.kind === SPAN_KIND.producer && s.name === `send ${Topics.userCommands}`),
    );
    expect(send.parentSpanId).toBe(gatewayServer.spanId);

    const decide = await eventually('the user-service exported its processing of the command', () =>
      receiver.inTrace(traceId).find((s) => s.service === 'user-service' && s.kind === SPAN_KIND.consumer && s.name === `process ${Topics.userCommands}`),
    );
    expect(decide.parentSpanId).toBe(send.spanId);

    const statements = await eventually('the user-service exported its Postgres statements', () => {
      const found = receiver
        .inTrace(traceId)
        .filter((s) => s.service === 'user-service' && s.kind === SPAN_KIND.client && (s.attributes['db.system.name'] ?? s.attributes['db.system']) === 'postgresql');
      return found.some((s) => /INSERT/i.test(String(s.attributes['db.statement'] ?? s.attributes['db.query.text'] ?? s.name))) ? found : undefined;
    });
    expect(statements.every((s) => s.parentSpanId === decide.spanId || receiver.inTrace(traceId).some((p) => p.spanId === s.parentSpanId))).toBe(true);
    // Statements without their values: the user's name is nowhere in the spans.
    expect(JSON.stringify(statements)).not.toContain(String(res.body.userName));

    // The event the outbox published continues the command's processing span.
    const event = await eventually('the user.created event is on its topic', () => stack.userEvents.records.find((r) => r.value?.includes(userId)));
    expect(event.headers.traceparent).toBe(`00-${traceId}-${decide.spanId}-01`);

    const audited = await eventually('the audit log exported its processing of the event', () =>
      receiver.inTrace(traceId).find((s) => s.service === 'audit-log-service' && s.kind === SPAN_KIND.consumer && s.name === `process ${Topics.userEvents}`),
    );
    expect(audited.parentSpanId).toBe(decide.spanId);

    // Log lines name the trace: the gateway's access line for this request.
    const access = stack.processes
      .get('scim-gateway')!
      .logLines()
      .find((l) => l.component === 'access' && l.traceId === traceId);
    expect(access).toMatchObject({ method: 'POST', route: '/scim/v2/Users', status: 201, tenantId: scim.id });
  });

  it('carries a client traceparent into a read on the internal query API', async () => {
    const traceId = '5bf92f3577b34da6a3ce929d0e0e4737';
    const res = await scim.request('GET', '/Users?filter=userName%20eq%20%22nobody%22', undefined, { traceparent: `00-${traceId}-00f067aa0ba902b8-01` });
    expect(res.status).toBe(200);
    const gatewayServer = await eventually('the gateway exported the read', () =>
      receiver.inTrace(traceId).find((s) => s.service === 'scim-gateway' && s.kind === SPAN_KIND.server),
    );
    const internal = await eventually('the user-service exported the internal read', () =>
      receiver.inTrace(traceId).find((s) => s.service === 'user-service' && s.kind === SPAN_KIND.server),
    );
    expect(internal.parentSpanId).toBe(gatewayServer.spanId);
  });
});
