/**
 * The schema view of one resource type with the extensions a tenant enabled: resolves
 * attribute paths (RFC 7644 §3.10) to their definitions.
 */
import { parseAttributePath, type AttributePath } from '../paths/attribute-path';
import { ScimError } from '../errors/scim-error';
import { findAttribute, findSubAttribute, type AttributeDefinition, type SchemaDefinition } from './attribute-definition';
import type { ResourceTypeDefinition } from './resource-types';

export interface ResolvedAttribute {
  /** Canonical URN of the schema defining the top-level attribute. */
  readonly schemaUrn: string;
  /** True when the attribute lives under its schema URN key (RFC 7643 §3.3). */
  readonly extension: boolean;
  /** The top-level attribute. */
  readonly attribute: AttributeDefinition;
  /** Set when the path names a sub-attribute of a complex attribute. */
  readonly subAttribute?: AttributeDefinition;
  /** The addressed definition: subAttribute when present, else attribute. */
  readonly definition: AttributeDefinition;
  /** Canonical path: "name.givenName", or "<urn>:manager.value" for extension attributes. */
  readonly path: string;
}

/** One schema's top-level attributes as stored in a resource. */
export interface SchemaAttributes {
  readonly schemaUrn: string;
  readonly extension: boolean;
  readonly attributes: readonly AttributeDefinition[];
}

export class SchemaContext {
  readonly schemaUrns: readonly string[];
  private readonly sections: readonly SchemaAttributes[];

  constructor(
    readonly resourceType: ResourceTypeDefinition,
    readonly core: SchemaDefinition,
    readonly extensions: readonly SchemaDefinition[],
    readonly commonAttributes: readonly AttributeDefinition[],
  ) {
    this.schemaUrns = [core.id, ...extensions.map((ext) => ext.id)];
    this.sections = [
      { schemaUrn: core.id, extension: false, attributes: [...commonAttributes, ...core.attributes] },
      ...extensions.map((ext) => ({ schemaUrn: ext.id, extension: true, attributes: ext.attributes })),
    ];
  }

  /** Core section first (with the common attributes), then each enabled extension. */
  get attributeSections(): readonly SchemaAttributes[] {
    return this.sections;
  }

  /** Core schema or an enabled extension, matched ignoring case. */
  findSchema(urn: string): SchemaDefinition | undefined {
    const lower = urn.toLowerCase();
    if (this.core.id.toLowerCase() === lower) return this.core;
    return this.findExtension(urn);
  }

  findExtension(urn: string): SchemaDefinition | undefined {
    const lower = urn.toLowerCase();
    return this.extensions.find((ext) => ext.id.toLowerCase() === lower);
  }

  /**
   * Resolves an attribute path. Without a URN prefix only core (and common) attributes are
   * found: RFC 7644 §3.10 lets clients drop the core URN, extension attributes need theirs.
   */
  resolve(path: AttributePath | string): ResolvedAttribute | undefined {
    let parsed: AttributePath;
    if (typeof path === 'string') {
      try {
        parsed = parseAttributePath(path);
      } catch (error) {
        if (error instanceof ScimError) return undefined;
        throw error;
      }
    } else {
      parsed = path;
    }
    const section = parsed.uri === undefined ? this.sections[0] : this.sections.find((s) => s.schemaUrn.toLowerCase() === parsed.uri!.toLowerCase());
    if (section === undefined) return undefined;
    const top = findAttribute(section.attributes, parsed.attribute);
    if (top === undefined) return undefined;
    const resolved = this.topLevel(section, top);
    return parsed.subAttribute === undefined ? resolved : this.resolveSubAttribute(resolved, parsed.subAttribute);
  }

  /** Resolves a sub-attribute of an already resolved complex top-level attribute. */
  resolveSubAttribute(parent: ResolvedAttribute, name: string): ResolvedAttribute | undefined {
    return resolveSubAttribute(parent, name);
  }

  private topLevel(section: SchemaAttributes, attr: AttributeDefinition): ResolvedAttribute {
    return {
      schemaUrn: section.schemaUrn,
      extension: section.extension,
      attribute: attr,
      definition: attr,
      path: section.extension ? `${section.schemaUrn}:${attr.name}` : attr.name,
    };
  }
}

/** A sub-attribute of a resolved top-level complex attribute (one nesting level, RFC 7643 §2.3.8). */
export function resolveSubAttribute(parent: ResolvedAttribute, name: string): ResolvedAttribute | undefined {
  if (parent.subAttribute !== undefined) return undefined;
  const sub = findSubAttribute(parent.attribute, name);
  if (sub === undefined) return undefined;
  return {
    schemaUrn: parent.schemaUrn,
    extension: parent.extension,
    attribute: parent.attribute,
    subAttribute: sub,
    definition: sub,
    path: `${parent.path}.${sub.name}`,
  };
}
