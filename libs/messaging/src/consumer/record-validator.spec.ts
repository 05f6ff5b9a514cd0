import { Topics } from '@app/contracts';
import { NonRetryableError } from './errors';
import { RecordValidator } from './record-validator';

const validator = new RecordValidator({ 'test.topic': { type: 'object', required: ['a'] } });
const command = { commandId: 'c1', type: 'user.delete', tenantId: 't1', issuedAt: '2026-11-22T10:00:00Z', payload: { id: 'u1' } };

describe('RecordValidator', () => {
  it('parses a record that matches its topic schema', () => {
    expect(validator.parse(Topics.userCommands, Buffer.from(JSON.stringify(command)))).toEqual(command);
  });

  it.each([
    ['no value', null, /no value/],
    ['not JSON', Buffer.from('{oops'), /not JSON/],
    ['missing field', Buffer.from(JSON.stringify({ ...command, tenantId: undefined })), /tenantId/],
    ['bad date', Buffer.from(JSON.stringify({ ...command, issuedAt: 'yesterday' })), /issuedAt/],
  ])('rejects %s as non-retryable', (_name, value, message) => {
    expect(() => validator.parse(Topics.userCommands, value)).toThrow(NonRetryableError);
    expect(() => validator.parse(Topics.userCommands, value)).toThrow(message);
  });

  it('uses extra schemas for topics the contracts do not declare', () => {
    expect(() => validator.parse('test.topic', Buffer.from('{}'))).toThrow(/must have required property 'a'/);
    expect(validator.parse('test.topic', Buffer.from('{"a":1}'))).toEqual({ a: 1 });
  });
});
