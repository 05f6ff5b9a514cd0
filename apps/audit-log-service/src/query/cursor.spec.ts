import { decodeCursor, encodeCursor, parseInstant } from './cursor';

describe('parseInstant', () => {
  it.each([
    ['2026-11-23T10:00:00Z', '2026-11-23T10:00:00.000Z'],
    ['2026-11-23T10:00Z', '2026-11-23T10:00:00.000Z'],
    ['2026-11-23T10:00:00.123456Z', '2026-11-23T10:00:00.123Z'],
    ['2026-11-23T12:00:00+02:00', '2026-11-23T10:00:00.000Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
  ])('reads %s', (text, iso) => {
    expect(parseInstant(text)?.toISOString()).toBe(iso);
  });

  it.each([
    '0000-01-01T00:00:00Z',
    '1969-12-31T23:59:59Z',
    '2026-02-30T00:00:00Z',
    '2025-02-29T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-11-23T24:00:00Z',
    '2026-11-23',
    '2026-11-23T10:00:00',
    '1',
    'yesterday',
  ])('refuses %s', (text) => {
    expect(parseInstant(text)).toBeUndefined();
  });
});

describe('cursors', () => {
  it('round-trip', () => {
    const cursor = { time: '2026-11-23T10:00:00.123456Z', id: '42' };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
  });

  it('are refused when they are not ours', () => {
    for (const value of [['1', 'x'], ['2026-02-30T00:00:00Z', 'x'], ['2026-11-23T10:00:00Z'], 'text', ['2026-11-23T10:00:00Z', 'x'.repeat(201)]]) {
      expect(decodeCursor(Buffer.from(JSON.stringify(value)).toString('base64url'))).toBeUndefined();
    }
    expect(decodeCursor('%%%')).toBeUndefined();
  });
});
