/**
 * Discovery representations: /Schemas (RFC 7643 §7, example §8.7) and /ResourceTypes (§6).
 */
import type { JsonObject } from '../common/json';
import type { AttributeDefinition, SchemaDefinition } from './attribute-definition';
import type { ResourceTypeDefinition } from './resource-types';
import type { SchemaContext } from './schema-context';
import { RESOURCE_TYPE_SCHEMA, SCHEMA_SCHEMA } from './urns';

function attributeToJson(attr: AttributeDefinition): JsonObject {
  const json: JsonObject = {
    name: attr.name,
    type: attr.type,
    multiValued: attr.multiValued,
    description: attr.description,
    required: attr.required,
    caseExact: attr.caseExact,
    mutability: attr.mutability,
    returned: attr.returned,
    uniqueness: attr.uniqueness,
  };
  if (attr.canonicalValues !== undefined) json['canonicalValues'] = [...attr.canonicalValues];
  if (attr.referenceTypes !== undefined) json['referenceTypes'] = [...attr.referenceTypes];
  if (attr.subAttributes !== undefined) json['subAttributes'] = attr.subAttributes.map(attributeToJson);
  return json;
}

/**
 * @param baseUrl e.g. "https://host/scim/v2"; meta.location becomes "<baseUrl>/Schemas/<urn>".
 */
export function toSchemaResource(schema: SchemaDefinition, baseUrl?: string): JsonObject {
  const meta: JsonObject = { resourceType: 'Schema' };
  if (baseUrl !== undefined) meta['location'] = `${baseUrl.replace(/\/+$/, '')}/Schemas/${schema.id}`;
  return {
    schemas: [SCHEMA_SCHEMA],
    id: schema.id,
    name: schema.name,
    description: schema.description,
    attributes: schema.attributes.map(attributeToJson),
    meta,
  };
}

/** The /Schemas entries of one context: its core schema and enabled extensions, overrides applied. */
export function contextSchemaResources(context: SchemaContext, baseUrl?: string): JsonObject[] {
  return [context.core, ...context.extensions].map((schema) => toSchemaResource(schema, baseUrl));
}

export function toResourceTypeResource(type: ResourceTypeDefinition, baseUrl?: string, enabledExtensions?: readonly string[]): JsonObject {
  const meta: JsonObject = { resourceType: 'ResourceType' };
  if (baseUrl !== undefined) meta['location'] = `${baseUrl.replace(/\/+$/, '')}/ResourceTypes/${type.id}`;
  const extensions = type.schemaExtensions.filter((ext) => enabledExtensions === undefined || enabledExtensions.some((e) => e.toLowerCase() === ext.schema.toLowerCase()));
  return {
    schemas: [RESOURCE_TYPE_SCHEMA],
    id: type.id,
    name: type.name,
    endpoint: type.endpoint,
    description: type.description,
    schema: type.schema,
    schemaExtensions: extensions.map((ext) => ({ schema: ext.schema, required: ext.required })),
    meta,
  };
}
