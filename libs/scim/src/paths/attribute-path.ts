/**
 * attrPath, RFC 7644 §3.4.2.2 / §3.10:
 *
 *   attrPath = [URI ":"] ATTRNAME *1subAttr
 *   subAttr  = "." ATTRNAME
 *
 * A schema URN itself contains dots and colons ("...:enterprise:2.0:User"), so the
 * attribute name is whatever follows the last colon.
 */
import { ScimError, type ScimErrorType } from '../errors/scim-error';

export interface AttributePath {
  /** Schema URN prefix as written, without the trailing colon. */
  readonly uri?: string;
  readonly attribute: string;
  readonly subAttribute?: string;
}

// ATTRNAME = ALPHA *(nameChar); "$ref" is admitted too since RFC 7643 defines it as a name.
const ATTRNAME = /^(?:\$ref|[A-Za-z][A-Za-z0-9_-]*)$/;

export function isAttributeName(text: string): boolean {
  return ATTRNAME.test(text);
}

/** Parses attrPath text; `position` only feeds error details. */
export function parseAttributePath(text: string, errorType: ScimErrorType = 'invalidPath', position = 0): AttributePath {
  const fail = (why: string): never => {
    throw new ScimError(400, errorType, `Invalid attribute path "${text}" at position ${position}: ${why}`);
  };
  let uri: string | undefined;
  let rest = text;
  if (/^urn:/i.test(text)) {
    const lastColon = text.lastIndexOf(':');
    uri = text.slice(0, lastColon);
    rest = text.slice(lastColon + 1);
    if (rest === '') fail('missing attribute name after the schema URN');
  }
  const parts = rest.split('.');
  if (parts.length > 2) fail('only one level of sub-attribute is allowed');
  const [attribute, subAttribute] = parts as [string, string | undefined];
  if (!isAttributeName(attribute)) fail(`"${attribute}" is not a valid attribute name`);
  if (subAttribute !== undefined && !isAttributeName(subAttribute)) fail(`"${subAttribute}" is not a valid attribute name`);
  return {
    ...(uri !== undefined ? { uri } : {}),
    attribute,
    ...(subAttribute !== undefined ? { subAttribute } : {}),
  };
}

export function formatAttributePath(path: AttributePath): string {
  const base = path.uri !== undefined ? `${path.uri}:${path.attribute}` : path.attribute;
  return path.subAttribute !== undefined ? `${base}.${path.subAttribute}` : base;
}
