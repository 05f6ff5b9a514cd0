import { CloudEvent } from 'cloudevents';
import { Directory } from './directory';

const t = 'tenant-1';
const user = (id: string, version: number) => ({ id, userName: id, meta: { version: `W/"${version}"` } });
const event = (type: string, subject: string, data: object) =>
  new CloudEvent<object>(
    { specversion: '1.0', id: `${type}-${subject}-${JSON.stringify(data).length}`, source: '/x', type, subject, tenantid: t, data, datacontenttype: 'application/json' },
    false,
  );
const userState = (id: string, version: number) => ({
  kind: 'User' as const,
  tenantId: t,
  id,
  resource: user(id, version),
  eventId: 'e',
  eventType: 'scim.user.updated',
  time: '2026-01-01T00:00:00Z',
});

describe('Directory', () => {
  it('skips an event the bootstrapped state already covers, and applies a later one', () => {
    const d = new Directory();
    d.applyState(`${t}/u1`, userState('u1', 2), 20n);
    d.finishBootstrap();
    expect(d.applyEvent(event('scim.user.updated', 'u1', { resource: user('u1', 2), changedAttributes: [] }), 20n)).toBe(false);
    expect(d.applyEvent(event('scim.user.created', 'u1', { resource: user('u1', 1), changedAttributes: [] }), 10n)).toBe(false);
    expect(d.users.get(`${t}/u1`)?.meta).toEqual({ version: 'W/"2"' });
    expect(d.applyEvent(event('scim.user.updated', 'u1', { resource: user('u1', 3), changedAttributes: [] }), 21n)).toBe(true);
    expect(d.users.get(`${t}/u1`)?.meta).toEqual({ version: 'W/"3"' });
    expect(d.skippedEvents).toBe(2);
  });

  it('keeps a tombstone sequence, so an older creation of a deleted user does not bring it back', () => {
    const d = new Directory();
    d.applyState(`${t}/u1`, userState('u1', 1), 5n);
    d.applyState(`${t}/u1`, null, 9n);
    d.finishBootstrap();
    expect(d.users.size).toBe(0);
    expect(d.applyEvent(event('scim.user.created', 'u1', { resource: user('u1', 1), changedAttributes: [] }), 5n)).toBe(false);
    expect(d.users.size).toBe(0);
  });

  it('tracks each membership on its own key and drops the members of a group that no longer exists', () => {
    const d = new Directory();
    d.applyState(
      `${t}/g1`,
      { kind: 'Group', tenantId: t, id: 'g1', resource: { displayName: 'G' }, eventId: 'e', eventType: 'scim.group.created', time: '2026-01-01T00:00:00Z' },
      1n,
    );
    d.applyState(
      `${t}/g1/u1`,
      { kind: 'Membership', tenantId: t, groupId: 'g1', memberId: 'u1', eventId: 'e', eventType: 'scim.membership.added', time: '2026-01-01T00:00:00Z' },
      2n,
    );
    d.applyState(
      `${t}/g2/u1`,
      { kind: 'Membership', tenantId: t, groupId: 'g2', memberId: 'u1', eventId: 'e', eventType: 'scim.membership.added', time: '2026-01-01T00:00:00Z' },
      3n,
    );
    d.finishBootstrap();
    expect([...d.members.keys()]).toEqual([`${t}/g1`]);
    // One event adds u1 again (covered) and u2 (new): only u2 is applied.
    expect(d.applyEvent(event('scim.membership.added', 'g1', { groupId: 'g1', memberIds: ['u1', 'u2'] }), 2n)).toBe(true);
    expect([...d.members.get(`${t}/g1`)!].sort()).toEqual(['u1', 'u2']);
    expect(d.applyEvent(event('scim.membership.removed', 'g1', { groupId: 'g1', memberIds: ['u1'] }), 4n)).toBe(true);
    expect([...d.members.get(`${t}/g1`)!]).toEqual(['u2']);
    expect(d.applyEvent(event('scim.group.deleted', 'g1', { resource: { displayName: 'G' }, changedAttributes: [] }), 5n)).toBe(true);
    expect(d.groups.size + d.members.size).toBe(0);
  });
});
