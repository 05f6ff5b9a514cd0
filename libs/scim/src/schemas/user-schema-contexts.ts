import { ScimError } from '../errors/scim-error';
import type { SchemaContext } from './schema-context';
import { SchemaRegistry } from './schema-registry';
import type { Mutability, SchemaDefinition } from './attribute-definition';
import { parseCustomSchemas } from './custom-schema';
import { GROUP_RESOURCE_TYPE, USER_RESOURCE_TYPE } from './resource-types';

/** What a tenant's profile decides about its User schema (the `SchemaProfile` of libs/contracts). */
export interface UserSchemaChoice {
  extensions: readonly string[];
  mutabilityOverrides: Readonly<Record<string, Mutability>>;
  /** Tenant-defined extension schemas as JSON (custom-schema.ts); each is enabled by being defined. */
  customSchemas?: readonly unknown[];
}

const MAX_CACHED = 256;

/**
 * The User schema view of a tenant's profile (enabled extensions, mutability overrides).
 * Building one resolves every attribute and profiles repeat on every request of a tenant, so
 * contexts are memoised by profile, at most 256 of them (the oldest goes first).
 */
export class UserSchemaContexts {
  private readonly registry = SchemaRegistry.createDefault();
  private readonly cache = new Map<string, SchemaContext>();

  /** 400 invalidValue when the profile names an extension or attribute path the registry does not know. */
  of(profile: UserSchemaChoice): SchemaContext {
    const extensions = Array.isArray(profile.extensions) ? [...profile.extensions] : [];
    const mutabilityOverrides = isPlainObject(profile.mutabilityOverrides) ? { ...profile.mutabilityOverrides } : {};
    const customSchemas = Array.isArray(profile.customSchemas) ? profile.customSchemas : [];
    const key = JSON.stringify([extensions, mutabilityOverrides, customSchemas]);
    let context = this.cache.get(key);
    if (context === undefined) {
      const custom = parseCustomSchemas(customSchemas); // 400 invalidValue naming the problems
      try {
        context =
          custom.length === 0
            ? this.registry.context('User', { extensions, mutabilityOverrides })
            : registryWith(custom).context('User', { extensions: [...extensions, ...custom.map((s) => s.id)], mutabilityOverrides });
      } catch (err) {
        // The registry refuses unknown extensions and override paths with a plain Error: for a
        // request or a command that is a bad request, not a reason to retry or dead-letter.
        throw new ScimError(400, 'invalidValue', `Schema profile is not usable: ${(err as Error).message}`);
      }
      if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(key, context);
    }
    return context;
  }
}

/** The default registry plus a tenant's own User extensions. */
function registryWith(custom: readonly SchemaDefinition[]): SchemaRegistry {
  const defaults = SchemaRegistry.createDefault();
  const user = USER_RESOURCE_TYPE;
  return new SchemaRegistry(
    [...defaults.listSchemas(), ...custom],
    [{ ...user, schemaExtensions: [...user.schemaExtensions, ...custom.map((s) => ({ schema: s.id, required: false }))] }, GROUP_RESOURCE_TYPE],
  );
}

function isPlainObject(value: unknown): value is Record<string, Mutability> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
