/**
 * Tenant-defined User extension schemas (RFC 7643 §3.3, §7): a schema a tenant's admin defines
 * as JSON in the shape /Schemas publishes (id, name, attributes with their characteristics),
 * validated into a SchemaDefinition. The definitions travel in the tenant's schema profile, so
 * the gateway (validation, /Schemas) and the user-service (decisions, filters and sorting in
 * SQL) build the same SchemaContext from them.
 */
import { ScimError } from '../errors/scim-error';
import { attribute, type AttributeDefinition, type AttributeType, type Mutability, type Returned, type SchemaDefinition, type Uniqueness } from './attribute-definition';
import { ENTERPRISE_USER_SCHEMA, GENESYS_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA } from './urns';

/** Bounds, so a profile (carried in every user command) stays small. */
export const CUSTOM_SCHEMA_LIMITS = { schemas: 10, attributes: 100, subAttributes: 20, canonicalValues: 100, text: 1000 } as const;

const TYPES: readonly AttributeType[] = ['string', 'boolean', 'decimal', 'integer', 'dateTime', 'reference', 'complex', 'binary'];
const MUTABILITIES: readonly Mutability[] = ['readOnly', 'readWrite', 'immutable', 'writeOnly'];
const RETURNED: readonly Returned[] = ['always', 'never', 'default', 'request'];
const UNIQUENESS: readonly Uniqueness[] = ['none', 'server', 'global'];
const ATTRNAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
// RFC 8141 URN (NID and NSS), with the ":" that separates the schema from its attributes in paths.
const URN = /^urn:[A-Za-z0-9][A-Za-z0-9-]{0,31}:[A-Za-z0-9()+,\-.:=@;$_!*'%/?#]+$/;
const RESERVED = [USER_SCHEMA, GROUP_SCHEMA, ENTERPRISE_USER_SCHEMA, GENESYS_USER_SCHEMA].map((u) => u.toLowerCase());

/**
 * Validates one definition; throws ScimError(400 invalidValue) naming every problem. `schemas`
 * is the whole list, to refuse a URN defined twice.
 */
export function parseCustomSchema(json: unknown): SchemaDefinition {
  const problems: string[] = [];
  const schema = customSchema(json, problems);
  if (problems.length > 0 || !schema) throw new ScimError(400, 'invalidValue', `Invalid extension schema: ${problems.join('; ')}`);
  return schema;
}

/** Every definition of a profile, with the URNs unique ignoring case and within the bounds. */
export function parseCustomSchemas(list: unknown): SchemaDefinition[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new ScimError(400, 'invalidValue', 'customSchemas must be an array');
  if (list.length > CUSTOM_SCHEMA_LIMITS.schemas) throw new ScimError(400, 'invalidValue', `At most ${CUSTOM_SCHEMA_LIMITS.schemas} extension schemas per tenant`);
  const schemas = list.map(parseCustomSchema);
  const seen = new Set<string>();
  for (const s of schemas) {
    if (seen.has(s.id.toLowerCase())) throw new ScimError(400, 'invalidValue', `Extension schema ${s.id} is defined twice`);
    seen.add(s.id.toLowerCase());
  }
  return schemas;
}

function customSchema(json: unknown, problems: string[]): SchemaDefinition | undefined {
  if (!isObject(json)) {
    problems.push('a schema is a JSON object');
    return undefined;
  }
  allowOnly(json, ['id', 'name', 'description', 'attributes', 'schemas', 'meta'], 'schema', problems);
  const id = json.id;
  if (typeof id !== 'string' || !URN.test(id) || id.length > 200) problems.push('id: must be a URN such as urn:example:params:scim:schemas:extension:acme:2.0:User');
  else if (RESERVED.includes(id.toLowerCase())) problems.push(`id: ${id} is defined by RFC 7643 or this gateway already`);
  const name = json.name;
  if (typeof name !== 'string' || name.trim() === '' || name.length > 200) problems.push('name: a non-empty string of at most 200 characters');
  const description = optionalText(json.description, 'description', problems);
  const attributes = attributeList(json.attributes, 'attributes', CUSTOM_SCHEMA_LIMITS.attributes, true, problems);
  if (problems.length > 0) return undefined;
  return { id: id as string, name: (name as string).trim(), description: description ?? '', attributes };
}

function attributeList(value: unknown, where: string, max: number, allowComplex: boolean, problems: string[]): AttributeDefinition[] {
  if (!Array.isArray(value) || value.length === 0) {
    problems.push(`${where}: a non-empty array of attribute definitions`);
    return [];
  }
  if (value.length > max) problems.push(`${where}: at most ${max} attributes`);
  const defs = value
    .slice(0, max)
    .map((a, i) => attributeDefinition(a, `${where}[${i}]`, allowComplex, problems))
    .filter((d): d is AttributeDefinition => d !== undefined);
  const names = new Set<string>();
  for (const d of defs) {
    if (names.has(d.name.toLowerCase())) problems.push(`${where}: attribute ${d.name} is defined twice (names are case-insensitive)`);
    names.add(d.name.toLowerCase());
  }
  return defs;
}

function attributeDefinition(json: unknown, where: string, allowComplex: boolean, problems: string[]): AttributeDefinition | undefined {
  if (!isObject(json)) {
    problems.push(`${where}: an object`);
    return undefined;
  }
  allowOnly(
    json,
    ['name', 'type', 'multiValued', 'description', 'required', 'caseExact', 'mutability', 'returned', 'uniqueness', 'canonicalValues', 'referenceTypes', 'subAttributes'],
    where,
    problems,
  );
  const before = problems.length;
  const name = json.name;
  if (typeof name !== 'string' || !ATTRNAME.test(name)) problems.push(`${where}.name: an attribute name (RFC 7643 §2.1: a letter, then letters, digits, "-" or "_")`);
  const type = json.type;
  if (!TYPES.includes(type as AttributeType)) problems.push(`${where}.type: one of ${TYPES.join(', ')}`);
  if (type === 'complex' && !allowComplex) problems.push(`${where}.type: sub-attributes cannot be complex (RFC 7643 §2.3.8)`);
  const flag = (key: string): boolean | undefined => {
    const v = json[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'boolean') problems.push(`${where}.${key}: true or false`);
    return v === true;
  };
  const choice = <T extends string>(key: string, allowed: readonly T[]): T | undefined => {
    const v = json[key];
    if (v === undefined) return undefined;
    if (!allowed.includes(v as T)) problems.push(`${where}.${key}: one of ${allowed.join(', ')}`);
    return v as T;
  };
  const multiValued = flag('multiValued');
  const required = flag('required');
  const caseExact = flag('caseExact');
  const mutability = choice('mutability', MUTABILITIES);
  const returned = choice('returned', RETURNED);
  const uniqueness = choice('uniqueness', UNIQUENESS);
  // Uniqueness is checked on single simple values; "server" on a list or a complex value has no clear meaning.
  if (uniqueness !== undefined && uniqueness !== 'none' && (multiValued || type === 'complex' || type === 'boolean')) {
    problems.push(`${where}.uniqueness: only single-valued string, number, dateTime, reference or binary attributes can be unique`);
  }
  if (mutability === 'readOnly' && required) problems.push(`${where}: a required attribute cannot be readOnly (no client could set it)`);
  const description = optionalText(json.description, `${where}.description`, problems);
  const canonicalValues = stringList(json.canonicalValues, `${where}.canonicalValues`, problems);
  const referenceTypes = stringList(json.referenceTypes, `${where}.referenceTypes`, problems);
  const subAttributes = type === 'complex' ? attributeList(json.subAttributes, `${where}.subAttributes`, CUSTOM_SCHEMA_LIMITS.subAttributes, false, problems) : undefined;
  if (type !== 'complex' && json.subAttributes !== undefined) problems.push(`${where}.subAttributes: only complex attributes have sub-attributes`);
  if (problems.length > before) return undefined;
  return attribute(name as string, type as AttributeType, {
    ...(multiValued !== undefined ? { multiValued } : {}),
    ...(required !== undefined ? { required } : {}),
    ...(caseExact !== undefined ? { caseExact } : {}),
    ...(mutability !== undefined ? { mutability } : {}),
    ...(returned !== undefined ? { returned } : {}),
    ...(uniqueness !== undefined ? { uniqueness } : {}),
    ...(description !== undefined ? { description } : {}),
    ...(canonicalValues !== undefined ? { canonicalValues } : {}),
    ...(referenceTypes !== undefined ? { referenceTypes } : {}),
    ...(subAttributes !== undefined ? { subAttributes } : {}),
  });
}

function optionalText(value: unknown, where: string, problems: string[]): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length > CUSTOM_SCHEMA_LIMITS.text) problems.push(`${where}: a string of at most ${CUSTOM_SCHEMA_LIMITS.text} characters`);
  return typeof value === 'string' ? value : undefined;
}

function stringList(value: unknown, where: string, problems: string[]): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length > CUSTOM_SCHEMA_LIMITS.canonicalValues || value.some((v) => typeof v !== 'string' || v.length > 200)) {
    problems.push(`${where}: at most ${CUSTOM_SCHEMA_LIMITS.canonicalValues} strings`);
    return undefined;
  }
  return value as string[];
}

function allowOnly(json: Record<string, unknown>, keys: readonly string[], where: string, problems: string[]): void {
  for (const key of Object.keys(json)) if (!keys.includes(key)) problems.push(`${where}: unknown member "${key}"`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
