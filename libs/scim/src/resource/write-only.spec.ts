import { parsePatchRequest, withoutWriteOnly, withoutWriteOnlyOperations, type JsonObject } from '@app/scim';
import { catchScimError, CORE_USER, ENT, registry, userContext } from '../testing/helpers';

/** A tenant that made a sub-attribute and an extension attribute write-only too. */
const overridden = registry.context('User', {
  extensions: [ENT],
  mutabilityOverrides: { 'name.givenName': 'writeOnly', [`${ENT}:employeeNumber`]: 'writeOnly' },
});

const ops = (...operations: unknown[]) => parsePatchRequest({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: operations });

describe('withoutWriteOnly', () => {
  it('drops the password however a client writes its key, and keeps everything else', () => {
    const body: JsonObject = { schemas: [CORE_USER], userName: 'ada', password: 'p1', active: true };
    expect(withoutWriteOnly(body, userContext)).toEqual({ schemas: [CORE_USER], userName: 'ada', active: true });
    expect(withoutWriteOnly({ userName: 'ada', PassWord: 'p2' }, userContext)).toEqual({ userName: 'ada' });
    expect(withoutWriteOnly({ userName: 'ada', [`${CORE_USER}:password`]: 'p3' }, userContext)).toEqual({ userName: 'ada' });
  });

  it('returns the same object when there is nothing to drop', () => {
    const body: JsonObject = { userName: 'ada', name: { givenName: 'Ada' }, unknownThing: 1 };
    expect(withoutWriteOnly(body, userContext)).toBe(body);
  });

  it("drops a tenant's write-only sub-attributes and extension attributes, in every form", () => {
    const body: JsonObject = {
      userName: 'ada',
      name: { givenName: 'Ada', familyName: 'Lovelace' },
      [ENT]: { employeeNumber: '42', department: 'R&D' },
    };
    expect(withoutWriteOnly(body, overridden)).toEqual({ userName: 'ada', name: { familyName: 'Lovelace' }, [ENT]: { department: 'R&D' } });
    expect(withoutWriteOnly({ 'name.givenName': 'Ada', [`${ENT}:employeeNumber`]: '42', [`${ENT}:department`]: 'R&D' }, overridden)).toEqual({
      [`${ENT}:department`]: 'R&D',
    });
    expect(body.name).toEqual({ givenName: 'Ada', familyName: 'Lovelace' }); // the input is not changed
  });
});

describe('withoutWriteOnlyOperations', () => {
  it('leaves out operations whose path is the password, in any case or qualified form', () => {
    const kept = withoutWriteOnlyOperations(
      ops(
        { op: 'replace', path: 'password', value: 'p1' },
        { op: 'Replace', path: 'PASSWORD', value: 'p2' },
        { op: 'add', path: `${CORE_USER}:password`, value: 'p3' },
        { op: 'remove', path: 'password' },
        { op: 'replace', path: 'active', value: false },
      ),
      userContext,
    );
    expect(kept).toEqual([{ op: 'replace', path: 'active', value: false }]);
  });

  it('strips the password from path-less values and drops an operation left with nothing', () => {
    const kept = withoutWriteOnlyOperations(
      ops({ op: 'replace', value: { password: 'p1', displayName: 'Ada' } }, { op: 'replace', value: { password: 'p2' } }, { op: 'add', value: 'not an object' }),
      userContext,
    );
    expect(kept).toEqual([
      { op: 'replace', value: { displayName: 'Ada' } },
      { op: 'add', value: 'not an object' },
    ]);
    expect(JSON.stringify(kept)).not.toMatch(/p1|p2/);
  });

  it('leaves an all-password PATCH with no operations at all', () => {
    expect(withoutWriteOnlyOperations(ops({ op: 'replace', path: 'password', value: 'p1' }), userContext)).toEqual([]);
  });

  it('refuses a value filter or sub-attribute on the password without quoting it', () => {
    for (const path of ['password[value eq "hunter2"]', 'password.value']) {
      const error = catchScimError(() => withoutWriteOnlyOperations(ops({ op: 'replace', path, value: 'x' }), userContext));
      expect([error.status, error.scimType]).toEqual([400, 'invalidPath']);
      expect(error.detail).not.toContain('hunter2');
    }
  });

  it("applies a tenant's write-only sub-attributes to paths and complex values", () => {
    const kept = withoutWriteOnlyOperations(
      ops(
        { op: 'replace', path: 'name.givenName', value: 'Ada' },
        { op: 'replace', path: 'name', value: { givenName: 'Ada', familyName: 'Lovelace' } },
        { op: 'replace', path: `${ENT}:employeeNumber`, value: '42' },
        { op: 'replace', value: { [ENT]: { employeeNumber: '42' }, 'name.givenName': 'Ada' } },
      ),
      overridden,
    );
    expect(kept).toEqual([{ op: 'replace', path: 'name', value: { familyName: 'Lovelace' } }]);
  });

  it('keeps operations it cannot resolve for the owner to judge', () => {
    const operations = ops({ op: 'replace', path: 'noSuchAttribute', value: 'x' }, { op: 'replace', path: 'emails[type eq "work"].value', value: 'a@example.com' });
    expect(withoutWriteOnlyOperations(operations, userContext)).toEqual(operations);
  });
});
