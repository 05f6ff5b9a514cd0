/**
 * Attributes every resource carries, RFC 7643 §3.1. They are not listed in the schemas'
 * "attributes" (RFC 7643 §8.7.1 omits them too) but resolve as part of the core schema.
 */
import { attribute, complexAttribute, type AttributeDefinition } from './attribute-definition';

export const COMMON_ATTRIBUTES: readonly AttributeDefinition[] = [
  attribute('id', 'string', {
    description: 'Unique identifier for the resource, assigned by the service provider.',
    caseExact: true,
    mutability: 'readOnly',
    returned: 'always',
    uniqueness: 'server',
  }),
  attribute('externalId', 'string', {
    description: 'Identifier of the resource as defined by the provisioning client.',
    caseExact: true,
  }),
  complexAttribute(
    'meta',
    [
      attribute('resourceType', 'string', { caseExact: true, mutability: 'readOnly', description: 'Name of the resource type.' }),
      attribute('created', 'dateTime', { mutability: 'readOnly', description: 'When the resource was added.' }),
      attribute('lastModified', 'dateTime', { mutability: 'readOnly', description: 'When the resource was last updated.' }),
      attribute('location', 'reference', {
        caseExact: true,
        mutability: 'readOnly',
        referenceTypes: ['uri'],
        description: 'URI of the resource.',
      }),
      attribute('version', 'string', { caseExact: true, mutability: 'readOnly', description: 'Entity tag of the resource.' }),
    ],
    { mutability: 'readOnly', description: 'Resource metadata maintained by the service provider.' },
  ),
];
