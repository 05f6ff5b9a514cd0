/**
 * Checks a client-supplied value against its attribute definition (RFC 7643 §2.3 data types)
 * and returns it in canonical form: sub-attribute names in schema case, Entra's value quirks
 * normalised. `null` stands for "unassigned" (RFC 7643 §2.5).
 */
import { ScimError } from '../errors/scim-error';
import { asJsonValue, isJsonObject, type JsonObject, type JsonValue } from '../common/json';
import { findSubAttribute, type AttributeDefinition } from '../schemas/attribute-definition';

export interface CoerceOptions {
  /**
   * Accept Microsoft Entra's non-RFC shapes: "True"/"False" for booleans, a bare string for
   * a complex attribute with a "value" sub-attribute (manager), a single entry or a JSON
   * string for a multi-valued attribute (roles).
   */
  readonly entraCompat: boolean;
  /** PATCH only: "" is how Entra clears an attribute, so it counts as unassigned. */
  readonly emptyStringIsUnassigned: boolean;
  /** Collects paths of sub-attributes the schema does not define. */
  readonly unknownAttributes: Set<string>;
}

const DATE_TIME = /^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?$/;
const BASE64 = /^[A-Za-z0-9+/=_\-\s]*$/;

function describe(raw: unknown): string {
  if (Array.isArray(raw)) return 'an array';
  if (raw === null) return 'null';
  if (typeof raw === 'object') return 'an object';
  return `${typeof raw} ${JSON.stringify(raw)}`;
}

/** Write-only secrets (RFC 7643 §4.1.1 password): an error names their type, never their value. */
const SECRET_PATH = /(^|[:.])password$/i;

function kindOf(raw: unknown): string {
  if (Array.isArray(raw)) return 'an array';
  if (raw === null) return 'null';
  return typeof raw === 'object' ? 'an object' : `a ${typeof raw}`;
}

function invalid(path: string, expected: string, raw: unknown): never {
  const got = SECRET_PATH.test(path) ? kindOf(raw) : describe(raw);
  throw new ScimError(400, 'invalidValue', `Attribute '${path}' expects ${expected}, got ${got}`);
}

function parseJsonText(raw: string): JsonValue | undefined {
  if (!/^\s*[[{]/.test(raw)) return undefined;
  try {
    return asJsonValue(JSON.parse(raw));
  } catch {
    return undefined;
  }
}

/** Coerces a whole attribute value (multi-valued: the array). Returns null when unassigned. */
export function coerceAttributeValue(def: AttributeDefinition, raw: unknown, path: string, options: CoerceOptions): JsonValue {
  if (raw === undefined || raw === null) return null;
  if (!def.multiValued) return coerceSingleValue(def, raw, path, options);
  let input = raw;
  if (typeof input === 'string' && options.entraCompat && def.type === 'complex') {
    // Entra can deliver app-role assignments as JSON text (e.g. roles = "[{\"value\":\"Admin\"}]").
    input = parseJsonText(input) ?? input;
  }
  if (!Array.isArray(input)) {
    if (!options.entraCompat) invalid(path, 'an array', input);
    input = [input];
  }
  const entries: JsonValue[] = [];
  for (const item of input as unknown[]) {
    const coerced = coerceSingleValue(def, item, path, options);
    const stripped = stripUnassigned(coerced);
    if (stripped !== null) entries.push(stripped);
  }
  return entries;
}

/** Coerces one value (a single-valued attribute, or one entry of a multi-valued one). */
export function coerceSingleValue(def: AttributeDefinition, raw: unknown, path: string, options: CoerceOptions): JsonValue {
  if (raw === undefined || raw === null) return null;
  if (raw === '' && options.emptyStringIsUnassigned) return null;
  switch (def.type) {
    case 'complex':
      return coerceComplex(def, raw, path, options);
    case 'boolean':
      if (typeof raw === 'boolean') return raw;
      if (options.entraCompat && typeof raw === 'string' && /^(true|false)$/i.test(raw)) return raw.toLowerCase() === 'true';
      return invalid(path, 'a boolean', raw);
    case 'integer':
      return typeof raw === 'number' && Number.isInteger(raw) ? raw : invalid(path, 'an integer', raw);
    case 'decimal':
      return typeof raw === 'number' && Number.isFinite(raw) ? raw : invalid(path, 'a decimal number', raw);
    case 'dateTime':
      return typeof raw === 'string' && DATE_TIME.test(raw) && !Number.isNaN(Date.parse(raw)) ? raw : invalid(path, 'an xsd:dateTime string', raw);
    case 'binary':
      return typeof raw === 'string' && BASE64.test(raw) ? raw : invalid(path, 'base64 text', raw);
    case 'string':
    case 'reference':
      return typeof raw === 'string' ? raw : invalid(path, 'a string', raw);
  }
}

/**
 * A complex value keeps explicit nulls for sub-attributes being cleared, so a PATCH merge can
 * remove them; callers storing a fresh value pass it through stripUnassigned().
 */
function coerceComplex(def: AttributeDefinition, raw: unknown, path: string, options: CoerceOptions): JsonValue {
  let input = raw;
  if (typeof input === 'string' && options.entraCompat) input = parseJsonText(input) ?? input;
  if (!isJsonObject(input)) {
    const valueSub = findSubAttribute(def, 'value');
    const primitive = typeof input === 'string' || typeof input === 'number' || typeof input === 'boolean';
    // Entra sends the enterprise manager as a bare id; RFC 7643 §4.3 wants {"value": id}.
    if (options.entraCompat && valueSub !== undefined && primitive) {
      const value = coerceSingleValue(valueSub, input, `${path}.${valueSub.name}`, options);
      return value === null ? null : { [valueSub.name]: value };
    }
    return invalid(path, 'a complex value (object)', input);
  }
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(input)) {
    const sub = findSubAttribute(def, key);
    if (sub === undefined) {
      options.unknownAttributes.add(`${path}.${key}`);
      continue;
    }
    // RFC 7644 §3.5.1: values given for readOnly attributes are ignored.
    if (sub.mutability === 'readOnly') continue;
    result[sub.name] = sub.multiValued ? coerceAttributeValue(sub, value, `${path}.${sub.name}`, options) : coerceSingleValue(sub, value, `${path}.${sub.name}`, options);
  }
  return result;
}

/** Drops null members (and empty arrays) of a complex value; an empty result is null. */
export function stripUnassigned(value: JsonValue): JsonValue {
  if (!isJsonObject(value)) return Array.isArray(value) && value.length === 0 ? null : value;
  const result: JsonObject = {};
  for (const [key, member] of Object.entries(value)) {
    const stripped = stripUnassigned(member);
    if (stripped !== null) result[key] = stripped;
  }
  return Object.keys(result).length === 0 ? null : result;
}

/** RFC 7643 §2.5: null, an empty array (and here an empty object) mean "no value". */
export function isUnassigned(value: JsonValue | undefined): boolean {
  if (value === undefined || value === null) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (isJsonObject(value)) return Object.values(value).every(isUnassigned);
  return false;
}
