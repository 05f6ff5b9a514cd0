import { count, decodedQuery, DAY, MINUTE, oneLine, pct, pretty, shortUtc, statusClass, utc } from './format';

describe('format', () => {
  it('shows instants in UTC to the second, and keeps what is not an instant', () => {
    expect(utc('2026-11-23T10:04:05.123Z')).toBe('2026-11-23 10:04:05');
    expect(utc('2026-11-23T11:04:05+01:00')).toBe('2026-11-23 10:04:05');
    expect(utc('soon')).toBe('soon');
    expect(utc(null)).toBe('');
  });

  it('labels buckets by day for day buckets, else to the minute', () => {
    const t = Date.parse('2026-11-23T10:04:00Z');
    expect(shortUtc(t, MINUTE)).toBe('11-23 10:04');
    expect(shortUtc(t, DAY)).toBe('2026-11-23');
  });

  it('pretty-prints bodies, and says how large a cut one was', () => {
    expect(pretty({ a: 1 })).toBe('{\n  "a": 1\n}');
    expect(pretty(undefined)).toBe('(no body)');
    expect(pretty({ truncated: true, bytes: 20000, preview: '{"userName":' })).toBe('(cut to a preview: the body had 20000 bytes)\n{"userName":');
    expect(pretty('plain')).toBe('plain');
  });

  it('decodes a query string for reading, and leaves a malformed one as it is', () => {
    expect(decodedQuery('filter=userName+eq+%22a%22')).toBe('filter=userName eq "a"');
    expect(decodedQuery('bad=%E0%A4%A')).toBe('bad=%E0%A4%A');
    expect(decodedQuery(null)).toBe('');
  });

  it('formats counts, shares and status classes', () => {
    expect(count(1234567)).toBe('1,234,567');
    expect(count(undefined)).toBe('0');
    expect(pct(0.4)).toBe('40%');
    expect(pct(0.12345)).toBe('12.3%');
    expect(statusClass(409)).toBe('status-4xx');
    expect(oneLine(null)).toBe('—');
    expect(oneLine('x')).toBe('"x"');
  });
});
