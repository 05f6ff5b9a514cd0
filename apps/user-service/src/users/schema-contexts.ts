import { Injectable } from '@nestjs/common';
import type { SchemaProfile } from '@app/contracts';
import { ScimError, SchemaContext, SchemaRegistry } from '@app/scim';

const MAX_CACHED = 256;

/**
 * The User schema view of a tenant's connector profile (enabled extensions, mutability
 * overrides). Profiles repeat on every command of a tenant, so contexts are cached by profile.
 */
@Injectable()
export class SchemaContexts {
  private readonly registry = SchemaRegistry.createDefault();
  private readonly cache = new Map<string, SchemaContext>();

  forProfile(profile: Pick<SchemaProfile, 'extensions' | 'mutabilityOverrides'>): SchemaContext {
    const extensions = Array.isArray(profile.extensions) ? profile.extensions : [];
    const mutabilityOverrides = isPlainObject(profile.mutabilityOverrides) ? profile.mutabilityOverrides : {};
    const key = JSON.stringify([extensions, mutabilityOverrides]);
    let context = this.cache.get(key);
    if (context === undefined) {
      try {
        context = this.registry.context('User', { extensions, mutabilityOverrides });
      } catch (err) {
        // The registry refuses unknown extensions and override paths with a plain Error: for
        // this service that is a bad request, not a reason to retry or dead-letter.
        throw new ScimError(400, 'invalidValue', `Schema profile is not usable: ${(err as Error).message}`);
      }
      if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(key, context);
    }
    return context;
  }
}

function isPlainObject(value: unknown): value is Record<string, never> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
