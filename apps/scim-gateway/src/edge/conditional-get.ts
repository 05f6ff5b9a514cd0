/**
 * Conditional GET, RFC 7644 §3.14 and RFC 9110 §13.1.2: a GET whose `If-None-Match` names the
 * resource's current version is answered `304 Not Modified` without a body, so a client that
 * cached a resource (the UnboundID SDK, Okta) re-reads it without transferring it again.
 */

/** One entity tag (RFC 9110 §8.8.3): optional weakness indicator, quoted opaque tag. */
const ENTITY_TAG = /^(?:W\/)?"([^"]*)"$/;

/**
 * Whether `If-None-Match` matches the current ETag, i.e. the condition is false and a GET gets
 * 304. `*` matches any current representation; tags compare weakly (RFC 9110 §8.8.3.2: the
 * opaque tags are equal, W/ ignored), which is what §13.1.2 prescribes for If-None-Match.
 */
export function ifNoneMatchMatches(header: string | string[] | undefined, currentEtag: string | undefined): boolean {
  if (header === undefined || currentEtag === undefined) return false;
  const current = ENTITY_TAG.exec(currentEtag.trim())?.[1];
  if (current === undefined) return false;
  const values = (Array.isArray(header) ? header.join(',') : header)
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
  return values.some((value) => value === '*' || ENTITY_TAG.exec(value)?.[1] === current);
}
