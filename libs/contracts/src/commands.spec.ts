import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { GROUP_COMMAND_JSON_SCHEMA, GroupCommand } from './group-commands';
import { USER_COMMAND_JSON_SCHEMA, UserCommand } from './user-commands';

/**
 * Each command's type is derived from its schema, so these well-typed commands are also what
 * the schema accepts; what a consumer refuses (and dead-letters) is listed with it.
 */
const ajv = addFormats(new Ajv({ allErrors: true, strict: false }));
const validUser = ajv.compile({ ...USER_COMMAND_JSON_SCHEMA, $id: undefined });
const validGroup = ajv.compile({ ...GROUP_COMMAND_JSON_SCHEMA, $id: undefined });

const envelope = { commandId: 'c-1', tenantId: 't-1', issuedAt: '2026-12-03T10:00:00.000Z' };
const profile = {
  extensions: ['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
  mutabilityOverrides: { entitlements: 'immutable' as const },
  unknownAttributes: 'ignore' as const,
};
const scope = { managedOnly: true };

const userCommands: UserCommand[] = [
  { ...envelope, type: 'user.create', payload: { profile, resource: { userName: 'ada' } } },
  { ...envelope, type: 'user.replace', payload: { profile, id: 'u-1', resource: { userName: 'ada' }, ifMatch: 'W/"1"' } },
  {
    ...envelope,
    type: 'user.patch',
    payload: {
      profile,
      id: 'u-1',
      operations: [
        { op: 'replace', path: 'active', value: false },
        { op: 'remove', path: 'title' },
      ],
    },
  },
  { ...envelope, type: 'user.delete', payload: { id: 'u-1' } },
];
const groupCommands: GroupCommand[] = [
  { ...envelope, type: 'group.create', payload: { scope, resource: { displayName: 'Staff' }, managed: false } },
  { ...envelope, type: 'group.replace', payload: { scope, id: 'g-1', resource: { displayName: 'Staff' } } },
  { ...envelope, type: 'group.patch', payload: { scope, id: 'g-1', operations: [{ op: 'add', path: 'members', value: [{ value: 'u-1' }] }], ifMatch: 'W/"2"' } },
  { ...envelope, type: 'group.delete', payload: { scope, id: 'g-1' } },
];

describe('command schemas', () => {
  it.each(userCommands.map((c) => [c.type, c] as const))('accept a well-typed %s', (_type, command) => {
    expect(validUser(command)).toBe(true);
  });

  it.each(groupCommands.map((c) => [c.type, c] as const))('accept a well-typed %s', (_type, command) => {
    expect(validGroup(command)).toBe(true);
  });

  it.each([
    ['an unknown type', { ...envelope, type: 'user.frobnicate', payload: { id: 'u-1' } }],
    ['a create without its profile', { ...envelope, type: 'user.create', payload: { resource: {} } }],
    ['a delete payload under a create', { ...envelope, type: 'user.create', payload: { id: 'u-1' } }],
    [
      'an operation Entra spelt but the gateway did not normalise',
      { ...envelope, type: 'user.patch', payload: { profile, id: 'u-1', operations: [{ op: 'Replace', path: 'active', value: false }] } },
    ],
    ['a member no command has', { ...envelope, type: 'user.delete', payload: { id: 'u-1', force: true } }],
    ['no issuedAt', { commandId: 'c-1', tenantId: 't-1', type: 'user.delete', payload: { id: 'u-1' } }],
    ['a group command', groupCommands[3]],
  ])('refuse %s on the user topic', (_what, command) => {
    expect(validUser(command)).toBe(false);
  });

  it.each([
    ['a create without scope', { ...envelope, type: 'group.create', payload: { resource: { displayName: 'x' } } }],
    ['a scope that is not a flag', { ...envelope, type: 'group.delete', payload: { scope: { managedOnly: 'yes' }, id: 'g-1' } }],
    ['a user command', userCommands[3]],
  ])('refuse %s on the group topic', (_what, command) => {
    expect(validGroup(command)).toBe(false);
  });
});
