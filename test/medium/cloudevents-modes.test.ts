import type { KafkaMessage } from 'kafkajs';
import { AuditRoutes, type AuditedChange, type AuditPage } from '@app/contracts';
import { cloudEventOf } from '../../apps/example-subscriber/src/subscriber';
import { entraUser, ScimStack, type ScimClient } from './support/scim-stack';
import { eventually } from './support/eventually';

/**
 * CLOUDEVENTS_MODE=binary: the outbox publishes events in the Kafka binding's binary mode
 * (`ce_*` headers, the data as the value). The CNCF SDK (through the example subscriber's reader)
 * reads them with every attribute, and the platform's own consumer — the audit log — takes them
 * as it takes structured ones (which every other medium test publishes).
 */
const stack = new ScimStack();
let scim: ScimClient;

beforeAll(async () => {
  await stack.start({}, { audit: true, env: { CLOUDEVENTS_MODE: 'binary' } });
  scim = await stack.tenant();
}, 180_000);

afterAll(() => stack.stop(), 60_000);

describe('CloudEvents in binary mode', () => {
  it('publishes ce_* headers with the data as the value; the CNCF SDK and the audit log read it', async () => {
    const created = await scim.post('/Users', entraUser());
    expect(created.status).toBe(201);
    const userId = created.body.id as string;

    const record = await eventually('the event is on its topic', () => stack.userEvents.records.find((r) => r.headers.ce_subject === userId));
    expect(record.headers).toMatchObject({
      ce_specversion: '1.0',
      ce_type: 'scim.user.created',
      ce_source: '/scim/user-service',
      ce_tenantid: scim.id,
      'content-type': 'application/json',
    });
    const data = JSON.parse(record.value!) as { resource: { id: string; userName: string }; changedAttributes: string[] };
    expect(data.resource).toMatchObject({ id: userId, userName: created.body.userName });

    const message = {
      key: Buffer.from(record.key ?? ''),
      value: Buffer.from(record.value ?? ''),
      headers: Object.fromEntries(Object.entries(record.headers).map(([k, v]) => [k, Buffer.from(v)])),
      offset: record.offset,
      timestamp: '0',
      attributes: 0,
    } as KafkaMessage;
    const event = cloudEventOf(message);
    expect({ id: event.id, type: event.type, subject: event.subject, tenantid: event.tenantid, source: event.source }).toEqual({
      id: record.headers.ce_id,
      type: 'scim.user.created',
      subject: userId,
      tenantid: scim.id,
      source: '/scim/user-service',
    });
    expect(event.data).toEqual(data);

    const audited = await eventually('the audit log has the change', async () => {
      const res = await fetch(`${stack.auditUrl}${AuditRoutes.changes}?tenantId=${scim.id}&resourceType=User&resourceId=${userId}`, {
        headers: { authorization: `Bearer ${stack.auditOpsToken}` },
      });
      const page = (await res.json()) as AuditPage<AuditedChange>;
      return page.items?.find((c) => c.type === 'scim.user.created');
    });
    expect(audited).toMatchObject({ eventId: record.headers.ce_id, resourceId: userId, userName: created.body.userName });
  });
});
