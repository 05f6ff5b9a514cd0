import { CloudEvent, Kafka as CloudEventsKafka, type KafkaMessage as CloudEventsKafkaMessage } from 'cloudevents';
import { AuditRoutes, CLOUDEVENTS_CONTENT_TYPE, envelopeOfRecord, Headers, type AuditedChange, type AuditPage } from '@app/contracts';
import { Directory } from '../../apps/example-subscriber/src/directory';
import { Subscriber } from '../../apps/example-subscriber/src/subscriber';
import type { CollectedRecord } from './support/kafka-helpers';
import { entraUser, GROUP_SCHEMA, patchOp, ScimStack, type ScimClient } from './support/scim-stack';
import { eventually } from './support/eventually';

/**
 * The two CloudEvents content modes of the Kafka protocol binding, on one running platform: the
 * user-service first publishes in structured mode (the default), then is restarted with
 * CLOUDEVENTS_MODE=binary. The CNCF SDK (`Kafka.toEvent`) reads the same attributes and data from
 * the records of both modes, and the consumers that kept running through the switch take both:
 * the audit log stores the changes, the group-membership-service learns the members' names from
 * them, and the example subscriber applies them.
 */
const stack = new ScimStack();
let scim: ScimClient;
let subscriber: Subscriber | undefined;
const directory = new Directory();
const seenBySubscriber: string[] = [];

beforeAll(async () => {
  await stack.start({}, { audit: true, groups: true });
  scim = await stack.tenant();
  subscriber = new Subscriber({
    kafka: stack.kafka,
    groupId: `${stack.prefix}cloudevents-modes`,
    topicPrefix: stack.prefix,
    directory,
    onEvent: (e) => seenBySubscriber.push(e.id),
  });
  await subscriber.start();
}, 180_000);

afterAll(async () => {
  await subscriber?.stop();
  await stack.stop();
}, 60_000);

/** A collected record as the CNCF SDK's Kafka binding takes it, read by the SDK. */
function sdkRead(record: CollectedRecord): CloudEvent<unknown> {
  const message: CloudEventsKafkaMessage<string> = { headers: { ...record.headers }, key: record.key ?? '', value: record.value ?? '', body: undefined };
  const event = CloudEventsKafka.toEvent(message);
  if (Array.isArray(event)) throw new Error('a batch where one event was expected');
  return event as CloudEvent<unknown>;
}

async function createUser(displayName: string): Promise<{ id: string; userName: string }> {
  const res = await scim.post('/Users', { ...entraUser(), displayName });
  expect(res.status).toBe(201);
  return { id: res.body.id as string, userName: res.body.userName as string };
}

function eventRecord(userId: string, type: string): Promise<CollectedRecord> {
  return eventually(`the ${type} event of ${userId} is on its topic`, () =>
    stack.userEvents.records.find((r) => {
      const event = envelopeOfRecord(r.headers, r.value);
      return event.subject === userId && event.type === type;
    }),
  );
}

async function auditedChange(userId: string, type: string): Promise<AuditedChange> {
  return eventually(`the audit log has ${type} of ${userId}`, async () => {
    const res = await fetch(`${stack.auditUrl}${AuditRoutes.changes}?tenantId=${scim.id}&resourceType=User&resourceId=${userId}`, {
      headers: { authorization: `Bearer ${stack.auditOpsToken}` },
    });
    const page = (await res.json()) as AuditPage<AuditedChange>;
    return page.items?.find((c) => c.type === type);
  });
}

describe('CloudEvents in both Kafka binding modes', () => {
  it('the SDK reads the same event from either mode, and the consumers take both across a switch of mode', async () => {
    // Structured (the default).
    const ann = await createUser('Ann Structured');
    const structured = await eventRecord(ann.id, 'scim.user.created');
    expect(structured.headers[Headers.contentType]).toBe(CLOUDEVENTS_CONTENT_TYPE);
    expect(Object.keys(structured.headers).filter((h) => h.startsWith('ce_'))).toEqual([]);
    const structuredEnvelope = JSON.parse(structured.value!) as { id: string; data: unknown };

    // The user-service restarted in binary mode; every consumer keeps running.
    const previous = stack.processes.get('user-service')!;
    const port = new URL(previous.url).port;
    expect(await previous.kill('SIGTERM')).toBe(0);
    stack.processes.delete('user-service');
    await stack.startService('user-service', Number(port), { KAFKA_SESSION_TIMEOUT_MS: '6000', CLOUDEVENTS_MODE: 'binary' });

    const bob = await createUser('Bob Binary');
    const binary = await eventRecord(bob.id, 'scim.user.created');
    expect(binary.headers).toMatchObject({
      ce_specversion: '1.0',
      ce_id: binary.headers[Headers.messageId],
      ce_source: '/scim/user-service',
      ce_type: 'scim.user.created',
      ce_subject: bob.id,
      ce_tenantid: scim.id,
      [Headers.contentType]: 'application/json',
    });
    expect(binary.headers.ce_time).toMatch(/^\d{4}-\d\d-\d\dT/);
    const binaryData = JSON.parse(binary.value!) as { resource: Record<string, unknown> };
    expect(binaryData.resource).toMatchObject({ id: bob.id, userName: bob.userName, displayName: 'Bob Binary' });

    // The CNCF SDK: the same attributes and data from either mode, and what our own reader sees.
    const expected = [
      { record: structured, user: ann, data: structuredEnvelope.data },
      { record: binary, user: bob, data: binaryData },
    ];
    for (const { record, user, data } of expected) {
      const event = sdkRead(record);
      const attributes = { id: event.id, type: event.type, source: event.source, subject: event.subject, tenantid: event.tenantid, datacontenttype: event.datacontenttype };
      expect(attributes).toEqual({
        id: record.headers[Headers.messageId],
        type: 'scim.user.created',
        source: '/scim/user-service',
        subject: user.id,
        tenantid: scim.id,
        datacontenttype: 'application/json',
      });
      expect(event.data).toEqual(data);
      const ours = envelopeOfRecord(record.headers, record.value);
      expect({ id: ours.id, type: ours.type, source: ours.source, subject: ours.subject, tenantid: ours.tenantid, datacontenttype: ours.datacontenttype }).toEqual(attributes);
      expect(ours.data).toEqual(event.data);
      expect(new Date(String(ours.time)).toISOString()).toBe(new Date(event.time!).toISOString());
    }
    expect(Object.keys(sdkRead(binary)).sort()).toEqual(Object.keys(sdkRead(structured)).sort());

    // An update in binary mode of the user created in structured mode.
    expect([200, 204]).toContain((await scim.patch(`/Users/${ann.id}`, patchOp({ op: 'replace', path: 'displayName', value: 'Ann Renamed' }))).status);
    const renamed = await eventRecord(ann.id, 'scim.user.updated');
    expect(renamed.headers.ce_type).toBe('scim.user.updated');

    // The audit log stored the changes of both modes.
    expect(await auditedChange(ann.id, 'scim.user.created')).toMatchObject({ eventId: structuredEnvelope.id, userName: ann.userName });
    expect(await auditedChange(bob.id, 'scim.user.created')).toMatchObject({ eventId: binary.headers.ce_id, userName: bob.userName });
    expect(await auditedChange(ann.id, 'scim.user.updated')).toMatchObject({ eventId: renamed.headers.ce_id, displayName: 'Ann Renamed' });

    // The group service names members from the user events: both modes reached it.
    const group = await scim.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: `modes-${stack.prefix}`, members: [{ value: ann.id }, { value: bob.id }] });
    expect(group.status).toBe(201);
    const displays = await eventually('the group service knows both names', async () => {
      const res = await scim.get(`/Groups/${group.body.id as string}`);
      const members = (res.body.members ?? []) as Array<{ value: string; display?: string }>;
      const names = Object.fromEntries(members.map((m) => [m.value, m.display]));
      return names[ann.id] === 'Ann Renamed' && names[bob.id] === 'Bob Binary' ? names : undefined;
    });
    expect(displays).toEqual({ [ann.id]: 'Ann Renamed', [bob.id]: 'Bob Binary' });

    // The example subscriber (CNCF SDK) applied all three events.
    await eventually('the example subscriber applied the events of both modes', () =>
      [structuredEnvelope.id, binary.headers.ce_id, renamed.headers.ce_id].every((id) => seenBySubscriber.includes(id)) ? true : undefined,
    );
    expect(directory.users.get(`${scim.id}/${ann.id}`)).toMatchObject({ id: ann.id, displayName: 'Ann Renamed' });
    expect(directory.users.get(`${scim.id}/${bob.id}`)).toMatchObject({ id: bob.id, userName: bob.userName, displayName: 'Bob Binary' });
  });
});
