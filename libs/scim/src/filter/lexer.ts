/**
 * Tokeniser for filters (RFC 7644 §3.4.2.2) and PATCH paths (§3.5.2).
 *
 * Attribute paths, operators, keywords and numbers are all "word" tokens; the parser decides
 * what a word means from where it stands. A word may hold ':' and '.' because schema URNs do
 * ("urn:ietf:params:scim:schemas:core:2.0:User:userName").
 */
import { ScimError, type ScimErrorType } from '../errors/scim-error';

export type TokenKind = 'word' | 'string' | '(' | ')' | '[' | ']' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** Source text of the token. */
  readonly text: string;
  /** Decoded content of a string token. */
  readonly value?: string;
  /** Zero-based offsets into the input. */
  readonly start: number;
  readonly end: number;
}

const WORD_CHAR = /[A-Za-z0-9_\-.:$+]/;

/**
 * Closing quote characters accepted for each opening quote. Besides JSON's double quote,
 * single quotes are accepted because Entra relays mapping expressions such as
 * `externalIds[authority eq 'microsoftteams'].value` verbatim, and typographic quotes because
 * the Genesys mapping table that admins copy from prints them (‘microsoftteams’).
 */
const QUOTES: Readonly<Record<string, string>> = {
  '"': '"',
  "'": "'",
  '\u2018': '\u2018\u2019',
  '\u2019': '\u2018\u2019',
  '\u201c': '\u201c\u201d',
  '\u201d': '\u201c\u201d',
};

const ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  "'": "'",
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

export function tokenize(input: string, errorType: ScimErrorType): Token[] {
  const fail = (position: number, why: string): never => {
    throw new ScimError(400, errorType, `${why} at position ${position}`);
  };
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i];
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === '(' || ch === ')' || ch === '[' || ch === ']') {
      tokens.push({ kind: ch, text: ch, start: i, end: i + 1 });
      i++;
      continue;
    }
    const closers = QUOTES[ch];
    if (closers !== undefined) {
      const start = i;
      let value = '';
      i++;
      for (;;) {
        if (i >= input.length) fail(start, 'Unterminated string');
        const c = input[i];
        if (closers.includes(c)) {
          i++;
          break;
        }
        if (c === '\\') {
          const next = input[i + 1];
          if (next === 'u') {
            const hex = input.slice(i + 2, i + 6);
            if (!/^[0-9A-Fa-f]{4}$/.test(hex)) fail(i, 'Invalid \\u escape in string');
            value += String.fromCharCode(parseInt(hex, 16));
            i += 6;
            continue;
          }
          const decoded = next === undefined ? undefined : ESCAPES[next];
          if (decoded === undefined) fail(i, 'Invalid escape in string');
          value += decoded;
          i += 2;
          continue;
        }
        value += c;
        i++;
      }
      tokens.push({ kind: 'string', text: input.slice(start, i), value, start, end: i });
      continue;
    }
    if (WORD_CHAR.test(ch)) {
      const start = i;
      while (i < input.length && WORD_CHAR.test(input[i])) i++;
      tokens.push({ kind: 'word', text: input.slice(start, i), start, end: i });
      continue;
    }
    fail(i, `Unexpected character '${ch}'`);
  }
  tokens.push({ kind: 'eof', text: '', start: input.length, end: input.length });
  return tokens;
}
