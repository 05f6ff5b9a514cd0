import { parseFilter, validateFilter, type FilterExpression } from '@app/scim';
import { ENT, expectScimError, GEN, groupContext, registry, userContext } from '../testing/helpers';

/** The annotation a translator relies on, flattened for exact comparison. */
interface Annotation {
  readonly path: string;
  readonly schemaUrn: string;
  readonly extension: boolean;
  readonly type: string;
  readonly caseExact: boolean;
  readonly multiValuedParent: boolean;
}

function annotations(node: FilterExpression): Annotation[] {
  switch (node.type) {
    case 'and':
    case 'or':
      return [...annotations(node.left), ...annotations(node.right)];
    case 'not':
      return annotations(node.expression);
    case 'valuePath':
      return annotations(node.filter);
    case 'compare':
    case 'present': {
      const a = node.attribute!;
      return [
        {
          path: a.path,
          schemaUrn: a.schemaUrn,
          extension: a.extension,
          type: a.definition.type,
          caseExact: a.definition.caseExact,
          multiValuedParent: a.subAttribute !== undefined && a.attribute.multiValued,
        },
      ];
    }
  }
}

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ann = (path: string, type: string, caseExact: boolean, extra: Partial<Annotation> = {}): Annotation => ({
  path,
  schemaUrn: CORE,
  extension: false,
  type,
  caseExact,
  multiValuedParent: false,
  ...extra,
});

describe('validateFilter annotations', () => {
  it.each([
    { name: 'userName is not caseExact (RFC 7643 §4.1)', input: 'userName eq "BJensen"', expected: [ann('userName', 'string', false)] },
    { name: 'id is caseExact', input: 'id eq "2819c223"', expected: [ann('id', 'string', true)] },
    { name: 'externalId is caseExact', input: 'externalId eq "abc"', expected: [ann('externalId', 'string', true)] },
    { name: 'attribute names are case-insensitive', input: 'USERNAME eq "x"', expected: [ann('userName', 'string', false)] },
    { name: 'sub-attribute', input: 'name.familyName co "ens"', expected: [ann('name.familyName', 'string', false)] },
    { name: 'core URN prefix', input: `${CORE}:userName sw "J"`, expected: [ann('userName', 'string', false)] },
    { name: 'boolean', input: 'active eq true', expected: [ann('active', 'boolean', false)] },
    { name: 'dateTime', input: 'meta.lastModified gt "2011-05-13T04:42:34Z"', expected: [ann('meta.lastModified', 'dateTime', false)] },
    {
      name: 'multi-valued complex compared directly means its value',
      input: 'emails co "example.com"',
      expected: [ann('emails.value', 'string', false, { multiValuedParent: true })],
    },
    { name: 'pr on complex stays on the attribute', input: 'name pr', expected: [ann('name', 'complex', false)] },
    {
      name: 'enterprise manager.value',
      input: `${ENT}:manager.value eq "123"`,
      expected: [ann(`${ENT}:manager.value`, 'string', false, { schemaUrn: ENT, extension: true })],
    },
    {
      name: 'value path inside resolves to sub-attributes',
      input: 'emails[type eq "work" and value co "@x"]',
      expected: [ann('emails.type', 'string', false, { multiValuedParent: true }), ann('emails.value', 'string', false, { multiValuedParent: true })],
    },
    {
      name: 'Genesys externalIds value path',
      input: `${GEN}:externalIds[authority eq 'microsoftteams'].value eq "abc"`,
      expected: [
        ann(`${GEN}:externalIds.authority`, 'string', false, { schemaUrn: GEN, extension: true, multiValuedParent: true }),
        ann(`${GEN}:externalIds.value`, 'string', true, { schemaUrn: GEN, extension: true, multiValuedParent: true }),
      ],
    },
  ])('$name', ({ input, expected }) => {
    expect(annotations(validateFilter(parseFilter(input), userContext))).toEqual(expected);
  });

  it('keeps the parsed tree shape and adds annotations', () => {
    const validated = validateFilter(parseFilter('not (title pr) or userName eq "x"'), userContext);
    expect(validated.type).toBe('or');
    expect(validated).toMatchObject({
      left: { type: 'not', expression: { type: 'present', path: { attribute: 'title' }, attribute: { path: 'title' } } },
      right: { type: 'compare', operator: 'eq', value: 'x', attribute: { path: 'userName' } },
    });
  });

  it('normalises Entra\'s "True" to a boolean for boolean attributes', () => {
    const validated = validateFilter(parseFilter('roles[primary eq "True"]'), userContext);
    expect(validated).toMatchObject({ type: 'valuePath', filter: { type: 'compare', value: true } });
  });

  it('resolves Group attributes', () => {
    const validated = validateFilter(parseFilter('displayName eq "Sales" and members[value eq "u1"]'), groupContext);
    expect(annotations(validated).map((a) => a.path)).toEqual(['displayName', 'members.value']);
  });
});

describe('validateFilter errors are 400 invalidFilter', () => {
  const noGenesys = registry.context('User', { extensions: [ENT] });
  it.each([
    { name: 'unknown attribute', input: 'foo eq "x"', detail: "Unknown attribute 'foo' in filter" },
    { name: 'unknown sub-attribute', input: 'name.nick eq "x"', detail: "Unknown attribute 'name.nick' in filter" },
    { name: 'sub-attribute of a simple attribute', input: 'userName.x eq "y"', detail: "Unknown attribute 'userName.x'" },
    { name: 'unknown attribute inside value path', input: 'emails[kind eq "work"]', detail: "Unknown attribute 'kind' of 'emails' in filter" },
    { name: 'extension attribute without URN', input: 'employeeNumber eq "1"', detail: "Unknown attribute 'employeeNumber'" },
    { name: 'unknown schema URN', input: 'urn:example:Foo:bar eq "1"', detail: "Unknown attribute 'urn:example:Foo:bar'" },
    { name: 'gt on boolean', input: 'active gt true', detail: "Operator 'gt' cannot be applied to boolean attribute 'active'" },
    { name: 'ge on boolean', input: 'active ge false', detail: "Operator 'ge' cannot be applied to boolean attribute 'active'" },
    { name: 'lt on boolean sub-attribute', input: 'emails.primary lt true', detail: "Operator 'lt' cannot be applied to boolean attribute 'emails.primary'" },
    { name: 'le on binary', input: 'x509Certificates.value le "AAAA"', detail: "Operator 'le' cannot be applied to binary" },
    { name: 'gt on complex', input: 'name gt "x"', detail: "Operator 'gt' cannot be applied to complex attribute 'name'" },
    { name: 'lt on multi-valued complex', input: 'emails lt "x"', detail: "Operator 'lt' cannot be applied to complex attribute 'emails'" },
    { name: 'eq on complex without value', input: 'name eq "x"', detail: "Complex attribute 'name' needs a sub-attribute" },
    { name: 'co on boolean', input: 'active co "tr"', detail: "Operator 'co' cannot be applied to boolean attribute 'active'" },
    { name: 'string for boolean', input: 'active eq "yes"', detail: 'Value "yes" is not a valid boolean' },
    { name: 'number for string', input: 'userName eq 5', detail: "Value 5 is not a valid string for 'userName'" },
    { name: 'invalid dateTime', input: 'meta.created gt "yesterday"', detail: 'is not a valid dateTime' },
    { name: 'null with gt', input: 'title gt null', detail: "Operator 'gt' cannot compare with null" },
    { name: 'value path on simple attribute', input: 'userName[value eq "x"]', detail: "Value filter on 'userName' requires a complex attribute" },
    { name: 'URN path inside value path', input: `emails[${CORE}:type eq "x"]`, detail: 'Unknown attribute' },
  ])('$name: $input', ({ input, detail }) => {
    expectScimError(() => validateFilter(parseFilter(input), userContext), { status: 400, scimType: 'invalidFilter', detail });
  });

  it('disabled extensions are unknown', () => {
    expectScimError(() => validateFilter(parseFilter(`${GEN}:externalIds[authority eq "x"]`), noGenesys), {
      status: 400,
      scimType: 'invalidFilter',
      detail: `Unknown attribute '${GEN}:externalIds'`,
    });
  });
});
