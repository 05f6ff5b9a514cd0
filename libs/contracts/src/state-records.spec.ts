import { stateRecordsOf } from './state-records';
import { Topics } from './topics';

const tenant = 't-1';
const envelope = (type: string, subject: string, data: object) => ({
  specversion: '1.0',
  id: `ev-${type}`,
  source: '/scim/x',
  type,
  subject,
  time: '2026-01-02T03:04:05.000Z',
  datacontenttype: 'application/json',
  tenantid: tenant,
  data,
});
const user = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], id: 'u-1', userName: 'ada', meta: { resourceType: 'User' } };
const group = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], id: 'g-1', displayName: 'Ops', meta: { resourceType: 'Group' } };

describe('stateRecordsOf', () => {
  it.each(['scim.user.created', 'scim.user.updated', 'scim.user.deactivated', 'scim.user.reactivated'])('keeps the user a %s event carries, keyed like the event', (type) => {
    const records = stateRecordsOf(Topics.userEvents, envelope(type, 'u-1', { resource: user, changedAttributes: ['userName'] }));
    expect(records).toEqual([
      {
        topic: Topics.userState,
        key: 't-1/u-1',
        value: { kind: 'User', tenantId: tenant, id: 'u-1', resource: user, eventId: `ev-${type}`, eventType: type, time: '2026-01-02T03:04:05.000Z' },
      },
    ]);
  });

  it('tombstones a deleted user', () => {
    expect(stateRecordsOf(Topics.userEvents, envelope('scim.user.deleted', 'u-1', { resource: user, changedAttributes: [] }))).toEqual([
      { topic: Topics.userState, key: 't-1/u-1', value: null },
    ]);
  });

  it('keeps a group and tombstones it on deletion', () => {
    const [created] = stateRecordsOf(Topics.groupEvents, envelope('scim.group.created', 'g-1', { resource: group, changedAttributes: ['displayName'] }));
    expect(created).toMatchObject({ topic: Topics.groupState, key: 't-1/g-1', value: { kind: 'Group', id: 'g-1', resource: group } });
    expect(stateRecordsOf(Topics.groupEvents, envelope('scim.group.deleted', 'g-1', { resource: group, changedAttributes: [] }))).toEqual([
      { topic: Topics.groupState, key: 't-1/g-1', value: null },
    ]);
  });

  it('gives each added member a record of its own and tombstones removed ones', () => {
    const added = stateRecordsOf(Topics.groupEvents, envelope('scim.membership.added', 'g-1', { groupId: 'g-1', memberIds: ['u-1', 'u-2'] }));
    expect(added.map((r) => [r.key, r.value?.kind])).toEqual([
      ['t-1/g-1/u-1', 'Membership'],
      ['t-1/g-1/u-2', 'Membership'],
    ]);
    expect(added[1].value).toMatchObject({ groupId: 'g-1', memberId: 'u-2', eventType: 'scim.membership.added' });
    const removed = stateRecordsOf(Topics.groupEvents, envelope('scim.membership.removed', 'g-1', { groupId: 'g-1', memberIds: ['u-2'] }));
    expect(removed).toEqual([{ topic: Topics.groupState, key: 't-1/g-1/u-2', value: null }]);
  });

  it('derives nothing from topics without a state topic or from what is not an event', () => {
    expect(stateRecordsOf(Topics.tenantEvents, envelope('scim.tenant.created', 't-1', { name: 'x' }))).toEqual([]);
    expect(stateRecordsOf(Topics.userEvents, { not: 'an event' })).toEqual([]);
    expect(stateRecordsOf(Topics.userEvents, null)).toEqual([]);
  });
});
