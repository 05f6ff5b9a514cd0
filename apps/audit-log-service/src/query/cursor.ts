/** Position after the last item of a page: its time (as Postgres wrote it) and id. */
export interface Cursor {
  time: string;
  id: string;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.time, cursor.id])).toString('base64url');
}

const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * An ISO 8601 instant with a zone (Z or ±hh:mm), years 1970 to 9999, every field in range; what
 * JavaScript and Postgres both read the same way. Undefined otherwise.
 */
export function parseInstant(text: string): Date | undefined {
  const m = ISO_INSTANT.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number) as [number, number, number, number, number, number];
  if (year < 1970 || month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return undefined;
  if (day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return undefined;
  const parsed = Date.parse(text);
  return Number.isNaN(parsed) ? undefined : new Date(parsed);
}

/** Undefined when the text is not a cursor this service made. */
export function decodeCursor(text: string): Cursor | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string' && value[1].length <= 200 && parseInstant(value[0])) {
      return { time: value[0], id: value[1] };
    }
  } catch {
    // not base64 JSON
  }
  return undefined;
}

/** A page of at most `limit` items from `limit + 1` rows: the extra row says there is a next page. */
export function pageOf<T>(items: T[], limit: number, cursorOf: (item: T) => Cursor): { items: T[]; nextCursor: string | null } {
  if (items.length <= limit) return { items, nextCursor: null };
  const kept = items.slice(0, limit);
  return { items: kept, nextCursor: encodeCursor(cursorOf(kept[kept.length - 1])) };
}
