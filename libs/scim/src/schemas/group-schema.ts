/** Core Group schema, RFC 7643 §4.2. */
import { attribute, complexAttribute, type SchemaDefinition } from './attribute-definition';
import { GROUP_SCHEMA } from './urns';

export const GROUP_SCHEMA_DEFINITION: SchemaDefinition = {
  id: GROUP_SCHEMA,
  name: 'Group',
  description: 'Group',
  attributes: [
    // §8.7.1 marks displayName optional, but §4.2 calls it REQUIRED and Entra/Genesys match
    // groups by it, so a group without one is refused.
    attribute('displayName', 'string', { required: true, description: 'A human-readable name for the group.' }),
    complexAttribute(
      'members',
      [
        // A member entry without "value" identifies nobody, so value is required in an entry.
        attribute('value', 'string', { required: true, mutability: 'immutable', description: 'Identifier of the member.' }),
        attribute('$ref', 'reference', {
          mutability: 'immutable',
          referenceTypes: ['User', 'Group'],
          description: 'URI of the member resource.',
        }),
        attribute('display', 'string', { mutability: 'immutable', description: 'Display name of the member.' }),
        attribute('type', 'string', {
          mutability: 'immutable',
          canonicalValues: ['User', 'Group'],
          description: 'Type of the member resource.',
        }),
      ],
      { multiValued: true, description: 'A list of members of the group.' },
    ),
  ],
};
