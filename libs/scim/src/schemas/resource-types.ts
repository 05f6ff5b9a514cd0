/** Resource types, RFC 7643 §6. */
import { ENTERPRISE_USER_SCHEMA, GENESYS_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA } from './urns';

export interface SchemaExtensionReference {
  readonly schema: string;
  readonly required: boolean;
}

export interface ResourceTypeDefinition {
  readonly id: string;
  readonly name: string;
  readonly endpoint: string;
  readonly description: string;
  readonly schema: string;
  readonly schemaExtensions: readonly SchemaExtensionReference[];
}

export const USER_RESOURCE_TYPE: ResourceTypeDefinition = {
  id: 'User',
  name: 'User',
  endpoint: '/Users',
  description: 'User Account',
  schema: USER_SCHEMA,
  schemaExtensions: [
    { schema: ENTERPRISE_USER_SCHEMA, required: false },
    { schema: GENESYS_USER_SCHEMA, required: false },
  ],
};

export const GROUP_RESOURCE_TYPE: ResourceTypeDefinition = {
  id: 'Group',
  name: 'Group',
  endpoint: '/Groups',
  description: 'Group',
  schema: GROUP_SCHEMA,
  schemaExtensions: [],
};
