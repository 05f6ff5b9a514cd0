/** Enterprise User extension, RFC 7643 §4.3. */
import { attribute, complexAttribute, type SchemaDefinition } from './attribute-definition';
import { ENTERPRISE_USER_SCHEMA } from './urns';

export const ENTERPRISE_USER_SCHEMA_DEFINITION: SchemaDefinition = {
  id: ENTERPRISE_USER_SCHEMA,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: [
    attribute('employeeNumber', 'string', { description: 'Numeric or alphanumeric identifier assigned to a person.' }),
    attribute('costCenter', 'string', { description: 'Identifies the name of a cost center.' }),
    attribute('organization', 'string', { description: 'Identifies the name of an organization.' }),
    attribute('division', 'string', { description: 'Identifies the name of a division.' }),
    attribute('department', 'string', { description: 'Identifies the name of a department.' }),
    complexAttribute(
      'manager',
      [
        attribute('value', 'string', { description: "The id of the user's manager." }),
        attribute('$ref', 'reference', { referenceTypes: ['User'], description: 'URI of the manager resource.' }),
        attribute('displayName', 'string', { mutability: 'readOnly', description: "The manager's display name." }),
      ],
      { description: "The user's manager." },
    ),
  ],
};
