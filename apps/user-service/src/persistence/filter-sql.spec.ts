/**
 * Filter text (RFC 7644 §3.4.2.2) → SQL condition + parameters. `$1` is always the tenant. The
 * same translations run against real rows in test/medium/user-service-queries.test.ts.
 */
import { parseFilter, SchemaRegistry, ScimError, validateFilter } from '@app/scim';
import { filterToSql } from './filter-sql';
import { sortToSql } from './sort-sql';
import { SqlParams } from '@app/persistence';
import { parseSort } from '@app/scim';

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const GEN = 'urn:ietf:params:scim:schemas:extension:genesys:purecloud:2.0:User';
const context = SchemaRegistry.createDefault().context('User');

function translate(filter: string): { sql: string; params: unknown[] } {
  const params = new SqlParams(['t1']);
  const sql = filterToSql(validateFilter(parseFilter(filter), context), params);
  return { sql, params: params.values.slice(1) };
}

const elements = (json: string, alias = 'e1') => `jsonb_array_elements(CASE WHEN jsonb_typeof(${json}) = 'array' THEN ${json} ELSE '[]'::jsonb END) AS ${alias}(v)`;
const EMAILS = elements(`u.resource -> 'emails'`);
const EMPTY = `('""'::jsonb, '[]'::jsonb, '{}'::jsonb, 'null'::jsonb)`;

describe('filterToSql', () => {
  it.each([
    // Columns, in the shape their indexes serve.
    ['userName eq is case-insensitive on the lower() index', 'userName eq "BJensen"', 'lower(u.user_name) = lower($2::text)', ['BJensen']],
    ['externalId eq is caseExact on its column', 'externalId eq "AbC"', '(u.external_id IS NOT NULL AND u.external_id = $2::text)', ['AbC']],
    ['externalId ne matches users without one', 'externalId ne "AbC"', '(u.external_id IS NULL OR u.external_id <> $2::text)', ['AbC']],
    ['id eq a uuid uses the key', 'id eq "2819c223-7f76-453a-919d-413861904646"', 'u.id = $2::uuid', ['2819c223-7f76-453a-919d-413861904646']],
    ['id eq something else compares text', 'id eq "nope"', 'u.id::text = $2::text', ['nope']],
    ['active eq true', 'active eq true', '(u.active IS NOT NULL AND u.active = $2::boolean)', [true]],
    ['active eq "False" (Entra) is a boolean', 'active eq "False"', '(u.active IS NOT NULL AND u.active = $2::boolean)', [false]],
    ['displayName gt', 'displayName gt "M"', '(u.display_name IS NOT NULL AND lower(u.display_name) > lower($2::text))', ['M']],
    ['meta.created ge compares instants', 'meta.created ge "2026-01-01T00:00:00+01:00"', 'u.created_at >= $2::timestamptz', ['2026-01-01T00:00:00+01:00']],
    ['meta.lastModified lt', 'meta.lastModified lt "2026-01-01T00:00:00Z"', 'u.last_modified < $2::timestamptz', ['2026-01-01T00:00:00Z']],
    ['userName eq null matches nobody', 'userName eq null', 'FALSE', []],
    ['externalId eq null', 'externalId eq null', '(u.external_id IS NULL)', []],
    // LIKE, with the value's own wildcards escaped.
    ['co escapes % _ and backslash', 'userName co "50%_a\\\\b"', 'lower(u.user_name) LIKE lower($2::text)', ['%50\\%\\_a\\\\b%']],
    ['sw', 'userName sw "bj"', 'lower(u.user_name) LIKE lower($2::text)', ['bj%']],
    ['ew on caseExact externalId keeps case', 'externalId ew "Z"', '(u.external_id IS NOT NULL AND u.external_id LIKE $2::text)', ['%Z']],
    [
      'co on a dateTime column compares its stored text',
      'meta.created co "2026-"',
      `(u.resource -> 'meta' -> 'created' IS NOT NULL AND lower((u.resource -> 'meta' -> 'created' #>> '{}')) LIKE lower($2::text))`,
      ['%2026-%'],
    ],
    // JSON attributes.
    [
      'sub-attribute of a single complex attribute',
      'name.familyName eq "Jensen"',
      `(u.resource -> 'name' -> 'familyName' IS NOT NULL AND lower((u.resource -> 'name' -> 'familyName' #>> '{}')) = lower($2::text))`,
      ['Jensen'],
    ],
    ['absent attribute: eq null', 'title eq null', `(u.resource -> 'title' IS NULL)`, []],
    ['absent attribute: ne value matches it', 'title ne "x"', `(u.resource -> 'title' IS NULL OR lower((u.resource -> 'title' #>> '{}')) <> lower($2::text))`, ['x']],
    ['pr on a string', 'title pr', `(u.resource -> 'title' IS NOT NULL AND u.resource -> 'title' NOT IN ${EMPTY})`, []],
    [
      'enterprise extension attribute under its URN key',
      `${ENT}:department eq "Tour"`,
      `(u.resource -> '${ENT}' -> 'department' IS NOT NULL AND lower((u.resource -> '${ENT}' -> 'department' #>> '{}')) = lower($2::text))`,
      ['Tour'],
    ],
    [
      'enterprise manager.value',
      `${ENT}:manager.value eq "m-1"`,
      `(u.resource -> '${ENT}' -> 'manager' -> 'value' IS NOT NULL AND lower((u.resource -> '${ENT}' -> 'manager' -> 'value' #>> '{}')) = lower($2::text))`,
      ['m-1'],
    ],
    // Multi-valued attributes: any value.
    [
      'emails co means emails.value co',
      'emails co "example.com"',
      `EXISTS (SELECT 1 FROM ${EMAILS} WHERE e1.v -> 'value' IS NOT NULL AND lower((e1.v -> 'value' #>> '{}')) LIKE lower($2::text))`,
      ['%example.com%'],
    ],
    [
      'ne on a multi-valued sub-attribute: some other value, or none at all',
      'emails.type ne "work"',
      `(EXISTS (SELECT 1 FROM ${EMAILS} WHERE e1.v -> 'type' IS NOT NULL AND lower((e1.v -> 'type' #>> '{}')) <> lower($2::text)) OR NOT EXISTS (SELECT 1 FROM ${EMAILS} WHERE e1.v -> 'type' IS NOT NULL))`,
      ['work'],
    ],
    ['pr on a multi-valued attribute', 'emails pr', `EXISTS (SELECT 1 FROM ${EMAILS} WHERE e1.v IS NOT NULL AND e1.v NOT IN ${EMPTY})`, []],
    [
      'value path: one entry matches the whole inner filter',
      'emails[type eq "work" and value ew "@example.com"]',
      `EXISTS (SELECT 1 FROM ${EMAILS} WHERE jsonb_typeof(e1.v) = 'object' AND ((e1.v -> 'type' IS NOT NULL AND lower((e1.v -> 'type' #>> '{}')) = lower($2::text)) AND (e1.v -> 'value' IS NOT NULL AND lower((e1.v -> 'value' #>> '{}')) LIKE lower($3::text))))`,
      ['work', '%@example.com'],
    ],
    [
      'value path with a trailing sub-attribute',
      'emails[type eq "work"].value eq "a@b.c"',
      `EXISTS (SELECT 1 FROM ${EMAILS} WHERE jsonb_typeof(e1.v) = 'object' AND ((e1.v -> 'type' IS NOT NULL AND lower((e1.v -> 'type' #>> '{}')) = lower($2::text)) AND (e1.v -> 'value' IS NOT NULL AND lower((e1.v -> 'value' #>> '{}')) = lower($3::text))))`,
      ['work', 'a@b.c'],
    ],
    [
      'value path on a boolean (Entra role mapping)',
      'roles[primary eq "True"]',
      `EXISTS (SELECT 1 FROM ${elements(`u.resource -> 'roles'`)} WHERE jsonb_typeof(e1.v) = 'object' AND (e1.v -> 'primary' IS NOT NULL AND e1.v -> 'primary' = to_jsonb($2::boolean)))`,
      [true],
    ],
    [
      'value path in an extension, caseExact sub-attribute',
      `${GEN}:externalIds[authority eq "microsoftteams" and value eq "29:AbC"]`,
      `EXISTS (SELECT 1 FROM ${elements(`u.resource -> '${GEN}' -> 'externalIds'`)} WHERE jsonb_typeof(e1.v) = 'object' AND ((e1.v -> 'authority' IS NOT NULL AND lower((e1.v -> 'authority' #>> '{}')) = lower($2::text)) AND (e1.v -> 'value' IS NOT NULL AND (e1.v -> 'value' #>> '{}') = $3::text)))`,
      ['microsoftteams', '29:AbC'],
    ],
    [
      'value path on a single-valued complex attribute',
      'name[givenName sw "B"]',
      `(COALESCE(jsonb_typeof(u.resource -> 'name'), '') = 'object' AND (u.resource -> 'name' -> 'givenName' IS NOT NULL AND lower((u.resource -> 'name' -> 'givenName' #>> '{}')) LIKE lower($2::text)))`,
      ['B%'],
    ],
    // Logic: precedence from the parser, two-valued conditions so NOT is exact.
    [
      'and binds tighter than or',
      'userName eq "a" or userName eq "b" and active eq false',
      '(lower(u.user_name) = lower($2::text) OR (lower(u.user_name) = lower($3::text) AND (u.active IS NOT NULL AND u.active = $4::boolean)))',
      ['a', 'b', false],
    ],
    [
      'parentheses and not',
      'not (userName eq "a" or externalId eq "b")',
      '(NOT (lower(u.user_name) = lower($2::text) OR (u.external_id IS NOT NULL AND u.external_id = $3::text)))',
      ['a', 'b'],
    ],
    [
      'each multi-valued comparison gets its own alias',
      'emails co "a" and phoneNumbers co "1"',
      `(EXISTS (SELECT 1 FROM ${EMAILS} WHERE e1.v -> 'value' IS NOT NULL AND lower((e1.v -> 'value' #>> '{}')) LIKE lower($2::text)) AND EXISTS (SELECT 1 FROM ${elements(`u.resource -> 'phoneNumbers'`, 'e2')} WHERE e2.v -> 'value' IS NOT NULL AND lower((e2.v -> 'value' #>> '{}')) LIKE lower($3::text)))`,
      ['%a%', '%1%'],
    ],
  ])('%s', (_name, filter, sql, params) => {
    expect(translate(filter)).toEqual({ sql, params });
  });

  it('never puts a value into the SQL text', () => {
    const { sql } = translate(`userName eq "x'; DROP TABLE users; --" or title co "'"`);
    expect(sql).not.toContain('DROP');
    expect(sql).not.toMatch(/'[^']*x'/);
  });

  it('merges an or of value paths on one attribute into one scan of its entries', () => {
    const { sql, params } = translate('emails[value eq "a"] or userName eq "u" or emails[value eq "b"] or emails[type eq "work" and value eq "c"]');
    expect(sql.match(/EXISTS/g)).toHaveLength(1);
    expect(sql).toContain(EMAILS);
    expect(sql.startsWith('(lower(u.user_name) = lower($')).toBe(true);
    expect(params).toEqual(['u', 'a', 'b', 'work', 'c']);
    // 100 terms (the parser's limit): still one subquery, a condition per term.
    const hundred = translate(Array.from({ length: 100 }, (_, i) => `emails[value eq "x${i}"]`).join(' or '));
    expect(hundred.sql.match(/EXISTS/g)).toHaveLength(1);
    expect(hundred.params).toHaveLength(100);
  });

  it('refuses an unvalidated filter', () => {
    expect(() => filterToSql(parseFilter('userName eq "a"'), new SqlParams())).toThrow(/validated/);
  });

  it.each([
    ['unknown attribute', 'nope eq "a"'],
    ['ordering on a boolean', 'active gt true'],
    ['bad syntax', 'userName eq'],
  ])('a bad filter is a 400 invalidFilter before any SQL: %s', (_name, filter) => {
    let error: unknown;
    try {
      translate(filter);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ScimError);
    expect(error).toMatchObject({ status: 400, scimType: 'invalidFilter' });
  });
});

describe('sortToSql', () => {
  const order = (sortBy: string | undefined, sortOrder?: string) => sortToSql(parseSort({ sortBy, sortOrder }, context));

  it.each([
    ['no sortBy: primary key order', undefined, undefined, 'u.id ASC'],
    ['userName ignores case, through the index expression', 'userName', undefined, 'lower(u.user_name) ASC NULLS LAST, u.id ASC'],
    ['descending', 'userName', 'descending', 'lower(u.user_name) DESC NULLS LAST, u.id ASC'],
    ['meta.created as a timestamp', 'meta.created', undefined, 'u.created_at ASC NULLS LAST, u.id ASC'],
    ['externalId is caseExact', 'externalId', undefined, 'u.external_id ASC NULLS LAST, u.id ASC'],
    ['name.familyName', 'name.familyName', undefined, `lower(u.resource -> 'name' -> 'familyName' #>> '{}') ASC NULLS LAST, u.id ASC`],
  ])('%s', (_name, sortBy, sortOrder, sql) => {
    expect(order(sortBy, sortOrder)).toBe(sql);
  });

  it('a multi-valued attribute sorts by its primary value, else its first', () => {
    expect(order('emails')).toBe(
      `(SELECT lower(s.v -> 'value' #>> '{}') FROM ${elements(`u.resource -> 'emails'`, 's').replace('AS s(v)', 'WITH ORDINALITY AS s(v, n)')}
    ORDER BY (s.v -> 'primary') = 'true'::jsonb DESC NULLS LAST, s.n LIMIT 1) ASC NULLS LAST, u.id ASC`,
    );
  });
});
