import { SchemaProfile } from '@app/contracts';
import { SchemaContext, SchemaRegistry } from '@app/scim';

/**
 * Schema contexts per tenant schema profile. Building one resolves every attribute, so they are
 * memoised by profile: requests of the same tenant reuse the same context.
 */
export class UserSchemaContexts {
  private readonly registry = SchemaRegistry.createDefault();
  private readonly cache = new Map<string, SchemaContext>();

  of(profile: Readonly<SchemaProfile>): SchemaContext {
    const key = JSON.stringify([profile.extensions, profile.mutabilityOverrides]);
    let context = this.cache.get(key);
    if (!context) {
      context = this.registry.context('User', {
        extensions: [...profile.extensions],
        mutabilityOverrides: { ...profile.mutabilityOverrides },
      });
      if (this.cache.size > 1000) this.cache.clear();
      this.cache.set(key, context);
    }
    return context;
  }
}
