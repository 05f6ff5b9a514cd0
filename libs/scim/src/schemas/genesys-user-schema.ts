/**
 * Genesys Cloud's User extension. Its Entra mapping targets
 * `externalIds[authority eq 'microsoftteams'].value` (also ringcentral, zoomphone), so the
 * extension carries a multi-valued {authority, value} list.
 */
import { attribute, complexAttribute, type SchemaDefinition } from './attribute-definition';
import { GENESYS_USER_SCHEMA } from './urns';

export const GENESYS_USER_SCHEMA_DEFINITION: SchemaDefinition = {
  id: GENESYS_USER_SCHEMA,
  name: 'GenesysUser',
  description: 'Genesys Cloud User extension',
  attributes: [
    complexAttribute(
      'externalIds',
      [
        attribute('authority', 'string', { description: 'The system that issued the identifier, e.g. "microsoftteams".' }),
        attribute('value', 'string', { caseExact: true, description: 'The identifier within that authority.' }),
      ],
      { multiValued: true, description: 'Identifiers of the user in external telephony systems.' },
    ),
  ],
};
