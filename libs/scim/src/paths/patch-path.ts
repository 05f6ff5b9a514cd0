/**
 * PATCH "path", RFC 7644 §3.5.2:
 *
 *   PATH = attrPath / valuePath [subAttr]
 *
 * e.g. `members`, `name.familyName`, `emails[type eq "work"].value`,
 * `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager`. Errors are
 * 400 invalidPath, including those found inside the value filter.
 */
import { ScimError } from '../errors/scim-error';
import type { FilterExpression } from '../filter/ast';
import { tokenize } from '../filter/lexer';
import { FilterParser } from '../filter/parser';
import { formatFilter } from '../filter/format';
import { formatAttributePath } from './attribute-path';

export interface PatchPath {
  readonly uri?: string;
  readonly attribute: string;
  /** From `name.givenName`, or from `emails[...].value`. */
  readonly subAttribute?: string;
  /** The value-selection filter; its paths are sub-attributes of `attribute`. */
  readonly filter?: FilterExpression;
}

export function parsePatchPath(text: string): PatchPath {
  if (text.trim() === '') throw new ScimError(400, 'invalidPath', 'PATCH path is empty');
  const parser = new FilterParser(tokenize(text, 'invalidPath'), 'invalidPath');
  const { path } = parser.parseAttributePathToken();
  if (parser.peek().kind !== '[') {
    parser.expectEnd();
    return path;
  }
  if (path.subAttribute !== undefined) parser.fail(parser.peek(), 'A value filter must follow the attribute, not a sub-attribute');
  const opening = parser.next();
  const filter = parser.nested(opening, () => parser.parseExpression(true));
  const closing = parser.expect(']', "']'");
  const subAttribute = parser.parseSubAttributeAfterBracket(closing);
  parser.expectEnd();
  return {
    ...(path.uri !== undefined ? { uri: path.uri } : {}),
    attribute: path.attribute,
    ...(subAttribute !== undefined ? { subAttribute } : {}),
    filter,
  };
}

export function formatPatchPath(path: PatchPath): string {
  const base = formatAttributePath({ ...(path.uri !== undefined ? { uri: path.uri } : {}), attribute: path.attribute });
  const filter = path.filter !== undefined ? `[${formatFilter(path.filter)}]` : '';
  const sub = path.subAttribute !== undefined ? `.${path.subAttribute}` : '';
  return `${base}${filter}${sub}`;
}
