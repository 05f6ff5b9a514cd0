/**
 * A tenant's connector profile: what its Entra enterprise app provisions and how strictly
 * (the seeds: Fuze's rate limit and create-only entitlements, Genesys's extension schema and
 * update-only groups, Fulcrum's managed resources). Stored as JSON in `tenants.profile`;
 * validated here, on every write and on every read, with class-validator.
 *
 * Example (Fuze):
 *   { "mutabilityOverrides": { "entitlements": "immutable" },
 *     "rateLimit": { "requestsPerSecond": 10, "burst": 10 } }
 */
import 'reflect-metadata';
import { plainToInstance, Type } from 'class-transformer';
import { ArrayUnique, IsArray, IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, Max, Min, ValidateNested, validateSync, ValidationError } from 'class-validator';
import { ENTERPRISE_USER_SCHEMA, parseCustomSchemas, ScimError, SchemaRegistry, toSchemaResource, UserSchemaContexts, type Mutability } from '@app/scim';
import { GatewayError } from '../errors/gateway-error';

export const MUTABILITIES = ['readOnly', 'readWrite', 'immutable', 'writeOnly'] as const;
export const UNKNOWN_ATTRIBUTE_POLICIES = ['ignore', 'strict'] as const;
export type UnknownAttributePolicy = (typeof UNKNOWN_ATTRIBUTE_POLICIES)[number];
export const STRICTNESS_LEVELS = ['entra', 'rfc7644'] as const;
export type StrictnessLevel = (typeof STRICTNESS_LEVELS)[number];

export const GROUP_MODES = ['full', 'update-only'] as const;
export type GroupMode = (typeof GROUP_MODES)[number];

/** Token bucket of a tenant: sustained rate and how many requests may come at once. */
export class RateLimitProfile {
  @IsInt()
  @Min(1)
  @Max(100_000)
  requestsPerSecond: number;

  @IsInt()
  @Min(1)
  @Max(1_000_000)
  burst: number;
}

export class GroupsProfile {
  /**
   * `full`: Groups are created, updated and deleted through SCIM. `update-only`: groups exist in
   * the target already and are only matched and updated (Genesys: never created or deleted).
   */
  @IsIn(GROUP_MODES)
  mode: GroupMode = 'full';
}

export class ConnectorProfile {
  /** User extension schema URNs the tenant provisions (RFC 7643 §3.3); enterprise by default. */
  @IsArray()
  @ArrayUnique((urn: string) => urn.toLowerCase())
  @IsString({ each: true })
  userExtensions: string[] = [ENTERPRISE_USER_SCHEMA];

  /**
   * User attribute path → mutability that differs from RFC 7643, published in /Schemas.
   * `{"entitlements": "immutable"}` makes entitlements create-only (RFC 7643 §2.2 "immutable").
   * Extension attributes are named with their URN: "urn:...:enterprise:2.0:User:employeeNumber".
   */
  @IsObject()
  mutabilityOverrides: Record<string, Mutability> = {};

  /**
   * The tenant's own User extension schemas (RFC 7643 §3.3), in the JSON form /Schemas publishes:
   * `{ "id": "urn:...", "name": "...", "attributes": [{ "name", "type", "multiValued",
   * "mutability", "uniqueness", "caseExact", ... }] }`. Each is enabled by being defined; its
   * attributes are validated, filterable and sortable like any other (docs/tenants.md).
   */
  @IsArray()
  customSchemas: Array<Record<string, unknown>> = [];

  /** `ignore`: attributes outside the schemas are dropped and reported; `strict`: 400. */
  @IsIn(UNKNOWN_ATTRIBUTE_POLICIES)
  unknownAttributes: UnknownAttributePolicy = 'ignore';

  /**
   * `entra` (default): what Microsoft Entra sends is accepted as it means it ("False" strings, a
   * filtered replace that matches nothing adds the entry, a filtered remove that matches nothing
   * and an undefined PATCH path are no-ops). `rfc7644`: RFC 7644 as written for other clients —
   * 400 noTarget (§3.5.2.2, §3.5.2.3), invalidPath for a path outside the schemas (§3.5.2),
   * invalidValue for a wrong JSON type, and unknown attributes refused whatever
   * `unknownAttributes` says. Published in /ServiceProviderConfig.
   */
  @IsIn(STRICTNESS_LEVELS)
  strictness: StrictnessLevel = 'entra';

  /** Absent: the gateway's default limit applies. */
  @IsOptional()
  @ValidateNested()
  @Type(() => RateLimitProfile)
  rateLimit?: RateLimitProfile;

  /** Absent: the gateway's default applies. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000)
  maxWritesInFlight?: number;

  @ValidateNested()
  @Type(() => GroupsProfile)
  groups: GroupsProfile = new GroupsProfile();

  /**
   * True: resources provisioned through SCIM are "managed" and kept apart from ones the target
   * application created itself (Fulcrum): names may repeat between the two sets, and managed
   * groups' memberships change only through SCIM.
   */
  @IsBoolean()
  managedResources = false;
}

const registry = SchemaRegistry.createDefault();

/**
 * Validates a profile given as JSON (admin API, CLI, or the stored column) and returns it with
 * defaults filled in, extension URNs and override paths in their canonical spelling. Throws
 * GatewayError(invalidInput) naming every problem.
 */
export function parseConnectorProfile(json: unknown): ConnectorProfile {
  if (json === undefined || json === null) json = {};
  if (typeof json !== 'object' || Array.isArray(json)) {
    throw GatewayError.invalidInput('connector profile', ['must be a JSON object']);
  }
  const profile = plainToInstance(ConnectorProfile, json, { exposeDefaultValues: true });
  // forbidNonWhitelisted: a misspelt key ("ratelimit") must fail loudly, not be silently ignored.
  const errors = validateSync(profile, { whitelist: true, forbidNonWhitelisted: true });
  const problems = errors.flatMap((error) => describe(error, ''));
  // The schema checks need well-formed extensions and overrides; other problems do not stop them.
  if (!errors.some((e) => e.property === 'userExtensions' || e.property === 'mutabilityOverrides' || e.property === 'customSchemas')) {
    problems.push(...canonicaliseSchemaChoices(profile));
  }
  if (problems.length > 0) throw GatewayError.invalidInput('connector profile', problems);
  return profile;
}

/** The profile as stored in `tenants.profile`: plain JSON, defaults included. */
export function connectorProfileToJson(profile: ConnectorProfile): Record<string, unknown> {
  return JSON.parse(JSON.stringify(profile)) as Record<string, unknown>;
}

/** Checks the choices the SCIM schemas decide: known extensions, known and writable override targets. */
function canonicaliseSchemaChoices(profile: ConnectorProfile): string[] {
  const problems: string[] = [];
  const userType = registry.getResourceType('User')!;
  const extensions: string[] = [];
  for (const urn of profile.userExtensions) {
    const declared = userType.schemaExtensions.find((ext) => ext.schema.toLowerCase() === urn.toLowerCase());
    if (declared) extensions.push(declared.schema);
    else problems.push(`userExtensions: ${urn} is not a User extension this gateway implements (${userType.schemaExtensions.map((e) => e.schema).join(', ')})`);
  }
  profile.userExtensions = extensions;
  let custom;
  try {
    custom = parseCustomSchemas(profile.customSchemas);
  } catch (err) {
    if (!(err instanceof ScimError)) throw err;
    problems.push(`customSchemas: ${err.detail}`);
    return problems;
  }
  // Stored in the canonical form /Schemas publishes, defaults filled in.
  profile.customSchemas = custom.map((schema) => {
    const { schemas: _s, meta: _m, ...json } = toSchemaResource(schema);
    return json;
  });
  const context = new UserSchemaContexts().of({ extensions, mutabilityOverrides: {}, customSchemas: profile.customSchemas });
  const overrides: Record<string, Mutability> = {};
  for (const [path, mutability] of Object.entries(profile.mutabilityOverrides)) {
    if (!(MUTABILITIES as readonly string[]).includes(mutability)) {
      problems.push(`mutabilityOverrides.${path}: must be one of ${MUTABILITIES.join(', ')}`);
      continue;
    }
    const resolved = context.resolve(path);
    if (!resolved) {
      problems.push(`mutabilityOverrides.${path}: no such User attribute (extension attributes need their schema URN and the extension enabled)`);
      continue;
    }
    // Server-assigned attributes (id, meta, groups) cannot be made client-writable.
    if (resolved.definition.mutability === 'readOnly') {
      problems.push(`mutabilityOverrides.${path}: is readOnly, assigned by the service provider; it cannot be overridden`);
      continue;
    }
    overrides[resolved.path] = mutability;
  }
  profile.mutabilityOverrides = overrides;
  return problems;
}

function describe(error: ValidationError, prefix: string): string[] {
  const path = `${prefix}${error.property}`;
  const own = Object.values(error.constraints ?? {}).map((message) => `${path}: ${message.replace(`${error.property} `, '')}`);
  const nested = (error.children ?? []).flatMap((child) => describe(child, `${path}.`));
  return [...own, ...nested];
}
