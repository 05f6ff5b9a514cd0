/**
 * Registry of schemas (RFC 7643 §7) and resource types (§6); hands out a SchemaContext for a
 * resource type with a tenant's enabled extensions and mutability overrides applied.
 */
import { parseAttributePath } from '../paths/attribute-path';
import { COMMON_ATTRIBUTES } from './common-attributes';
import { ENTERPRISE_USER_SCHEMA_DEFINITION } from './enterprise-user-schema';
import { GENESYS_USER_SCHEMA_DEFINITION } from './genesys-user-schema';
import { GROUP_SCHEMA_DEFINITION } from './group-schema';
import { GROUP_RESOURCE_TYPE, USER_RESOURCE_TYPE, type ResourceTypeDefinition } from './resource-types';
import { SchemaContext } from './schema-context';
import { USER_SCHEMA_DEFINITION } from './user-schema';
import type { AttributeDefinition, Mutability, SchemaDefinition } from './attribute-definition';

export interface SchemaContextOptions {
  /** Enabled extension URNs; defaults to every extension the resource type declares. */
  readonly extensions?: readonly string[];
  /**
   * Per-tenant mutability, keyed by attribute path ("entitlements", "name.givenName",
   * "<urn>:employeeNumber"). A create-only attribute is expressed as "immutable", which is
   * exactly RFC 7643 §2.2's meaning: settable on creation, never updated.
   */
  readonly mutabilityOverrides?: Readonly<Record<string, Mutability>>;
}

export class SchemaRegistry {
  private readonly schemas = new Map<string, SchemaDefinition>();
  private readonly resourceTypes = new Map<string, ResourceTypeDefinition>();

  constructor(schemas: readonly SchemaDefinition[], resourceTypes: readonly ResourceTypeDefinition[]) {
    for (const schema of schemas) this.schemas.set(schema.id.toLowerCase(), schema);
    for (const type of resourceTypes) {
      for (const urn of [type.schema, ...type.schemaExtensions.map((ext) => ext.schema)]) {
        if (!this.schemas.has(urn.toLowerCase())) {
          throw new Error(`Resource type ${type.name} refers to unregistered schema ${urn}`);
        }
      }
      this.resourceTypes.set(type.name.toLowerCase(), type);
    }
  }

  /** User (with Enterprise and Genesys extensions) and Group. */
  static createDefault(): SchemaRegistry {
    return new SchemaRegistry(
      [USER_SCHEMA_DEFINITION, ENTERPRISE_USER_SCHEMA_DEFINITION, GENESYS_USER_SCHEMA_DEFINITION, GROUP_SCHEMA_DEFINITION],
      [USER_RESOURCE_TYPE, GROUP_RESOURCE_TYPE],
    );
  }

  getSchema(urn: string): SchemaDefinition | undefined {
    return this.schemas.get(urn.toLowerCase());
  }

  listSchemas(): SchemaDefinition[] {
    return [...this.schemas.values()];
  }

  getResourceType(name: string): ResourceTypeDefinition | undefined {
    return this.resourceTypes.get(name.toLowerCase());
  }

  listResourceTypes(): ResourceTypeDefinition[] {
    return [...this.resourceTypes.values()];
  }

  /** Misconfiguration (unknown type, extension or override path) throws a plain Error. */
  context(resourceTypeName: string, options: SchemaContextOptions = {}): SchemaContext {
    const type = this.getResourceType(resourceTypeName);
    if (type === undefined) throw new Error(`Unknown resource type ${resourceTypeName}`);
    const declared = type.schemaExtensions.map((ext) => ext.schema);
    const requested = options.extensions ?? declared;
    for (const urn of requested) {
      if (!declared.some((d) => d.toLowerCase() === urn.toLowerCase())) {
        throw new Error(`Extension ${urn} is not declared by resource type ${type.name}`);
      }
    }
    for (const ext of type.schemaExtensions) {
      if (ext.required && !requested.some((r) => r.toLowerCase() === ext.schema.toLowerCase())) {
        throw new Error(`Extension ${ext.schema} is required by resource type ${type.name}`);
      }
    }
    // Keep the resource type's declaration order so output is stable whatever order a tenant lists.
    const enabled = declared.filter((d) => requested.some((r) => r.toLowerCase() === d.toLowerCase()));
    let core = this.getSchema(type.schema)!;
    let extensions = enabled.map((urn) => this.getSchema(urn)!);
    let common = COMMON_ATTRIBUTES;
    for (const [pathText, mutability] of Object.entries(options.mutabilityOverrides ?? {})) {
      const path = parseAttributePath(pathText);
      const schemaUrn = path.uri ?? core.id;
      const apply = (attrs: readonly AttributeDefinition[]): readonly AttributeDefinition[] | undefined => overrideMutability(attrs, path.attribute, path.subAttribute, mutability);
      let done = false;
      if (schemaUrn.toLowerCase() === core.id.toLowerCase()) {
        const inCore = apply(core.attributes);
        if (inCore) {
          core = { ...core, attributes: inCore };
          done = true;
        } else {
          const inCommon = apply(common);
          if (inCommon) {
            common = inCommon;
            done = true;
          }
        }
      } else {
        extensions = extensions.map((ext) => {
          if (ext.id.toLowerCase() !== schemaUrn.toLowerCase()) return ext;
          const changed = apply(ext.attributes);
          if (!changed) return ext;
          done = true;
          return { ...ext, attributes: changed };
        });
      }
      if (!done) throw new Error(`Mutability override names unknown attribute ${pathText}`);
    }
    return new SchemaContext(type, core, extensions, common);
  }
}

function overrideMutability(attrs: readonly AttributeDefinition[], name: string, subName: string | undefined, mutability: Mutability): readonly AttributeDefinition[] | undefined {
  const index = attrs.findIndex((a) => a.name.toLowerCase() === name.toLowerCase());
  if (index < 0) return undefined;
  const target = attrs[index];
  let replaced: AttributeDefinition;
  if (subName === undefined) {
    replaced = { ...target, mutability };
  } else {
    const subs = target.subAttributes ?? [];
    const subIndex = subs.findIndex((s) => s.name.toLowerCase() === subName.toLowerCase());
    if (subIndex < 0) return undefined;
    replaced = { ...target, subAttributes: subs.map((s, i) => (i === subIndex ? { ...s, mutability } : s)) };
  }
  return attrs.map((a, i) => (i === index ? replaced : a));
}
