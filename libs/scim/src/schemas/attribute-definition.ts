/**
 * Attribute characteristics, RFC 7643 §2.2 and §7.
 */

export type AttributeType = 'string' | 'boolean' | 'decimal' | 'integer' | 'dateTime' | 'reference' | 'complex' | 'binary';
export type Mutability = 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
export type Returned = 'always' | 'never' | 'default' | 'request';
export type Uniqueness = 'none' | 'server' | 'global';

export interface AttributeDefinition {
  readonly name: string;
  readonly type: AttributeType;
  readonly multiValued: boolean;
  readonly description: string;
  readonly required: boolean;
  readonly caseExact: boolean;
  readonly mutability: Mutability;
  readonly returned: Returned;
  readonly uniqueness: Uniqueness;
  /** Only for type "complex"; SCIM allows one level of nesting (RFC 7643 §2.3.8). */
  readonly subAttributes?: readonly AttributeDefinition[];
  /**
   * Advisory only: RFC 7643 §2.4 says "type" values are canonical but service providers MAY
   * accept others, and Entra sends e.g. phoneNumbers types work2/work3/microsoftteams.
   */
  readonly canonicalValues?: readonly string[];
  readonly referenceTypes?: readonly string[];
}

export interface SchemaDefinition {
  /** The schema URN, RFC 7643 §7 "id". */
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly attributes: readonly AttributeDefinition[];
}

export type AttributeOptions = Partial<Omit<AttributeDefinition, 'name' | 'type'>>;

/**
 * Builds a definition with the defaults RFC 7643 §2.2 prescribes for characteristics a schema
 * leaves out: not required, not case-exact, readWrite, returned by default, no uniqueness,
 * single-valued.
 */
export function attribute(name: string, type: AttributeType, options: AttributeOptions = {}): AttributeDefinition {
  return {
    name,
    type,
    multiValued: options.multiValued ?? false,
    description: options.description ?? '',
    required: options.required ?? false,
    caseExact: options.caseExact ?? false,
    mutability: options.mutability ?? 'readWrite',
    returned: options.returned ?? 'default',
    uniqueness: options.uniqueness ?? 'none',
    ...(options.subAttributes !== undefined ? { subAttributes: options.subAttributes } : {}),
    ...(options.canonicalValues !== undefined ? { canonicalValues: options.canonicalValues } : {}),
    ...(options.referenceTypes !== undefined ? { referenceTypes: options.referenceTypes } : {}),
  };
}

export function complexAttribute(name: string, subAttributes: readonly AttributeDefinition[], options: AttributeOptions = {}): AttributeDefinition {
  return attribute(name, 'complex', { ...options, subAttributes });
}

/**
 * The sub-attributes RFC 7643 §2.4 gives multi-valued attributes by default: value, display,
 * type and primary.
 */
export function multiValuedSubAttributes(
  valueType: AttributeType,
  typeCanonicalValues: readonly string[] | undefined,
  extra: { valueReferenceTypes?: readonly string[]; valueCaseExact?: boolean } = {},
): AttributeDefinition[] {
  return [
    attribute('value', valueType, {
      description: 'The significant value of this entry.',
      caseExact: extra.valueCaseExact ?? false,
      ...(extra.valueReferenceTypes ? { referenceTypes: extra.valueReferenceTypes } : {}),
    }),
    attribute('display', 'string', { description: 'A human-readable name, primarily for display.' }),
    attribute('type', 'string', {
      description: 'A label indicating the function of this entry.',
      ...(typeCanonicalValues ? { canonicalValues: typeCanonicalValues } : {}),
    }),
    attribute('primary', 'boolean', { description: 'Marks the preferred entry; at most one may be true.' }),
  ];
}

export function findSubAttribute(parent: AttributeDefinition, name: string): AttributeDefinition | undefined {
  const lower = name.toLowerCase();
  return parent.subAttributes?.find((sub) => sub.name.toLowerCase() === lower);
}

export function findAttribute(attributes: readonly AttributeDefinition[], name: string): AttributeDefinition | undefined {
  const lower = name.toLowerCase();
  return attributes.find((attr) => attr.name.toLowerCase() === lower);
}
