/** RFC 7644 §3.14: a resource's version is a weak entity tag, `W/"<n>"`, sent as ETag and meta.version. */
export function etagOf(version: number): string {
  return `W/"${version}"`;
}

/**
 * If-Match against the current version (RFC 7232 §3.1 with weak comparison, §2.3.2, which is
 * what RFC 7644 §3.14 uses for SCIM versions): `*` or any listed tag with the same opaque value.
 */
export function ifMatchSatisfied(ifMatch: string | undefined, version: number): boolean {
  if (ifMatch === undefined || ifMatch.trim() === '') return true;
  const current = `"${version}"`;
  return ifMatch
    .split(',')
    .map((tag) => tag.trim())
    .some((tag) => tag === '*' || tag.replace(/^W\//, '') === current);
}
