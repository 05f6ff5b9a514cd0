import type { SchemaProfile } from '@app/contracts';
import type { ConnectorProfile } from './connector-profile';

/**
 * The part of a tenant's connector profile that the owning services need to apply its User
 * schema rules; it travels in every user command (libs/contracts user-commands.ts).
 */
export function schemaProfileOf(tenant: { profile: ConnectorProfile }): SchemaProfile {
  const { profile } = tenant;
  return {
    extensions: [...profile.userExtensions],
    mutabilityOverrides: { ...profile.mutabilityOverrides },
    // RFC 7644 as written refuses what the schemas do not define (§3.3, §3.5.2: invalidPath).
    unknownAttributes: profile.strictness === 'rfc7644' ? 'strict' : profile.unknownAttributes,
    strictness: profile.strictness,
    ...(profile.customSchemas.length > 0 ? { customSchemas: profile.customSchemas.map((s) => ({ ...s })) } : {}),
  };
}
