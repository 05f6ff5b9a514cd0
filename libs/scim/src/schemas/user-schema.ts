/**
 * Core User schema, RFC 7643 §4.1 (characteristics as in the §8.7.1 representation).
 */
import { attribute, complexAttribute, multiValuedSubAttributes, type AttributeDefinition, type SchemaDefinition } from './attribute-definition';
import { USER_SCHEMA } from './urns';

const nameAttribute = complexAttribute(
  'name',
  [
    attribute('formatted', 'string', { description: 'Full name, formatted for display.' }),
    attribute('familyName', 'string', { description: 'Family name, or last name.' }),
    attribute('givenName', 'string', { description: 'Given name, or first name.' }),
    attribute('middleName', 'string', { description: 'Middle name(s).' }),
    attribute('honorificPrefix', 'string', { description: 'Honorific prefix(es), e.g. "Ms.".' }),
    attribute('honorificSuffix', 'string', { description: 'Honorific suffix(es), e.g. "III".' }),
  ],
  { description: "The components of the user's real name." },
);

function multiValued(name: string, description: string, subAttributes: readonly AttributeDefinition[]): AttributeDefinition {
  return complexAttribute(name, subAttributes, { multiValued: true, description });
}

const addressesAttribute = multiValued('addresses', 'Physical mailing addresses.', [
  attribute('formatted', 'string', { description: 'Full mailing address, formatted for display.' }),
  attribute('streetAddress', 'string', { description: 'Street address component.' }),
  attribute('locality', 'string', { description: 'City or locality.' }),
  attribute('region', 'string', { description: 'State or region.' }),
  attribute('postalCode', 'string', { description: 'Zip code or postal code.' }),
  attribute('country', 'string', { description: 'Country name (ISO 3166-1 alpha-2).' }),
  attribute('type', 'string', { canonicalValues: ['work', 'home', 'other'], description: 'Label of the address.' }),
  attribute('primary', 'boolean', { description: 'Marks the preferred address; at most one may be true.' }),
]);

// "groups" is maintained by the service provider from Group membership (RFC 7643 §4.1.2).
const groupsAttribute = complexAttribute(
  'groups',
  [
    attribute('value', 'string', { mutability: 'readOnly', description: 'The id of the group.' }),
    attribute('$ref', 'reference', { mutability: 'readOnly', referenceTypes: ['User', 'Group'], description: 'URI of the group.' }),
    attribute('display', 'string', { mutability: 'readOnly', description: 'Display name of the group.' }),
    attribute('type', 'string', {
      mutability: 'readOnly',
      canonicalValues: ['direct', 'indirect'],
      description: 'Whether membership is direct or indirect.',
    }),
  ],
  { multiValued: true, mutability: 'readOnly', description: 'Groups the user belongs to.' },
);

export const USER_SCHEMA_DEFINITION: SchemaDefinition = {
  id: USER_SCHEMA,
  name: 'User',
  description: 'User Account',
  attributes: [
    // RFC 7643 §8.7.1 lists userName as returned "default"; it is published as "always"
    // because it is the identifier clients match on (§4.1 makes it REQUIRED), so a
    // projection with "attributes=" never loses it.
    attribute('userName', 'string', {
      required: true,
      uniqueness: 'server',
      returned: 'always',
      description: 'Unique identifier for the user, used to authenticate; not case-exact.',
    }),
    nameAttribute,
    attribute('displayName', 'string', { description: 'Name of the user, suitable for display.' }),
    attribute('nickName', 'string', { description: 'Casual name of the user.' }),
    attribute('profileUrl', 'reference', { referenceTypes: ['external'], description: "URI of the user's online profile." }),
    attribute('title', 'string', { description: 'The user\'s title, e.g. "Vice President".' }),
    attribute('userType', 'string', { description: 'Relationship between the organization and the user.' }),
    attribute('preferredLanguage', 'string', { description: "The user's preferred written or spoken language." }),
    attribute('locale', 'string', { description: 'Default location for localisation, e.g. "en-US".' }),
    attribute('timezone', 'string', { description: 'Time zone in IANA format, e.g. "America/Los_Angeles".' }),
    attribute('active', 'boolean', { description: "The user's administrative status." }),
    attribute('password', 'string', {
      mutability: 'writeOnly',
      returned: 'never',
      description: 'Cleartext password; never returned (RFC 7643 §4.1.1).',
    }),
    multiValued('emails', 'Email addresses for the user.', multiValuedSubAttributes('string', ['work', 'home', 'other'])),
    multiValued('phoneNumbers', 'Phone numbers for the user.', multiValuedSubAttributes('string', ['work', 'home', 'mobile', 'fax', 'pager', 'other'])),
    multiValued('ims', 'Instant messaging addresses for the user.', multiValuedSubAttributes('string', ['aim', 'gtalk', 'icq', 'xmpp', 'msn', 'skype', 'qq', 'yahoo'])),
    multiValued(
      'photos',
      'URLs of photos of the user.',
      multiValuedSubAttributes('reference', ['photo', 'thumbnail'], { valueReferenceTypes: ['external'], valueCaseExact: true }),
    ),
    addressesAttribute,
    groupsAttribute,
    multiValued('entitlements', 'Entitlements of the user.', multiValuedSubAttributes('string', undefined)),
    multiValued('roles', 'Roles of the user.', multiValuedSubAttributes('string', undefined)),
    multiValued('x509Certificates', 'X.509 certificates of the user.', multiValuedSubAttributes('binary', undefined)),
  ],
};
