import { differencesBetween, differencesWithoutHistory, flattenResource } from './resource-diff';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

describe('differencesBetween', () => {
  const before = {
    id: 'u1',
    userName: 'ada@example.com',
    active: true,
    name: { givenName: 'Ada', familyName: 'Lovelace' },
    emails: [{ type: 'work', value: 'ada@example.com', primary: true }],
    [ENTERPRISE]: { department: 'Maths' },
    meta: { lastModified: '2026-01-01T00:00:00Z', version: 'W/"1"' },
  };

  it('is every attribute added for a creation, without meta', () => {
    const diff = differencesBetween(undefined, before);
    expect(diff.map((d) => d.path)).toEqual(['active', 'emails', 'id', 'name.familyName', 'name.givenName', `${ENTERPRISE}:department`, 'userName']);
    expect(diff.every((d) => d.op === 'added' && d.before === null)).toBe(true);
  });

  it('names changed, added and removed sub-attributes with their values, and ignores meta', () => {
    const after = {
      ...before,
      active: false,
      name: { givenName: 'Ada' },
      emails: [{ type: 'work', value: 'ada@new.example', primary: true }],
      [ENTERPRISE]: { department: 'Maths', costCenter: 'CC1' },
      meta: { lastModified: '2026-02-01T00:00:00Z', version: 'W/"2"' },
    };
    expect(differencesBetween(before, after)).toEqual([
      { path: 'active', op: 'changed', before: true, after: false },
      { path: 'emails', op: 'changed', before: before.emails, after: after.emails },
      { path: 'name.familyName', op: 'removed', before: 'Lovelace', after: null },
      { path: `${ENTERPRISE}:costCenter`, op: 'added', before: null, after: 'CC1' },
    ]);
  });

  it('ignores the order of keys and of multi-valued entries', () => {
    const emails = [
      { type: 'work', value: 'a@x', primary: true },
      { value: 'b@x', type: 'home' },
    ];
    const reordered = [
      { type: 'home', value: 'b@x' },
      { primary: true, value: 'a@x', type: 'work' },
    ];
    expect(differencesBetween({ id: 'u', emails }, { id: 'u', emails: reordered })).toEqual([]);
  });

  it('is empty when nothing but meta changed', () => {
    expect(differencesBetween(before, { ...before, meta: { version: 'W/"9"' } })).toEqual([]);
  });
});

describe('differencesWithoutHistory', () => {
  it('gives the new values of the changed attributes only', () => {
    expect(differencesWithoutHistory({ id: 'u', active: false, name: { givenName: 'A', familyName: 'B' } }, ['active', 'name', 'title'])).toEqual([
      { path: 'active', op: 'changed', before: null, after: false },
      { path: 'name.givenName', op: 'changed', before: null, after: 'A' },
      { path: 'name.familyName', op: 'changed', before: null, after: 'B' },
      { path: 'title', op: 'removed', before: null, after: null },
    ]);
  });
});

describe('extension attributes', () => {
  it('are named by their URN, a colon and the attribute, as changedAttributes names them', () => {
    expect(differencesWithoutHistory({ id: 'u', [ENTERPRISE]: { department: 'R&D', manager: { value: 'm1' } } }, [`${ENTERPRISE}:department`, `${ENTERPRISE}:manager`])).toEqual([
      { path: `${ENTERPRISE}:department`, op: 'changed', before: null, after: 'R&D' },
      { path: `${ENTERPRISE}:manager.value`, op: 'changed', before: null, after: 'm1' },
    ]);
  });
});

describe('flattenResource', () => {
  it('keeps an empty complex attribute at its path', () => {
    expect([...flattenResource({ name: {} }).keys()]).toEqual(['name']);
  });
});
