import { GroupScope, ResourceJson, Topics } from '@app/contracts';
import { JsonObject, ListQuery, SchemaRegistry, ScimError, validateResource } from '@app/scim';
import type { CommandOf, ResourceTenant, ScimResourceType } from '../resources/resource-type';
import { GroupQueryClient } from './group-query.client';

/** Entra sends this schema beside the core Group schema on create; it defines no attributes. */
export const ENTRA_GROUP_SCHEMA = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';

const UPDATE_ONLY_DETAIL = 'groups are managed by the application; SCIM may only update them';

/**
 * Groups (RFC 7643 §4.2) at the gateway: the core Group schema for every tenant (unknown
 * attributes refused, no nested groups), the tenant's connector profile applied (update-only
 * groups, managed resources), decided by the group-membership-service, members' $ref made
 * absolute, and member rows not read when the client leaves `members` out.
 */
export function groupResourceType(queries: Pick<GroupQueryClient, 'byId' | 'query'>): ScimResourceType<typeof Topics.groupCommands> {
  const context = SchemaRegistry.createDefault().context('Group');
  const ifMatchOf = (ifMatch?: string) => (ifMatch ? { ifMatch } : {});
  return {
    name: 'Group',
    endpoint: 'Groups',
    topic: Topics.groupCommands,
    schemaContext: () => context,
    validate: (tenant, body, mode) => {
      const validated = validateResource(withoutEntraGroupSchema(body), context, { mode, entraCompat: tenant.profile.strictness !== 'rfc7644' });
      refuseNestedGroups(validated.resource);
      return validated;
    },
    unknownAttributes: () => 'strict',
    commands: {
      create: (tenant, resource) => {
        refuseWhenUpdateOnly(tenant);
        return { type: 'group.create', payload: { scope: scopeOf(tenant), resource } };
      },
      replace: (tenant, id, resource, ifMatch) => ({ type: 'group.replace', payload: { scope: scopeOf(tenant), id, resource, ...ifMatchOf(ifMatch) } }),
      patch: (tenant, id, operations, ifMatch) => ({ type: 'group.patch', payload: { scope: scopeOf(tenant), id, operations, ...ifMatchOf(ifMatch) } }),
      delete: (tenant, id, ifMatch) => {
        refuseWhenUpdateOnly(tenant);
        return { type: 'group.delete', payload: { scope: scopeOf(tenant), id, ...ifMatchOf(ifMatch) } };
      },
    },
    reader: {
      byId: (tenant, id, query) => queries.byId(tenant.id, id, { excludeMembers: excludesMembers(query), scope: scopeOf(tenant) }),
      page: (tenant, request, query) => queries.query(tenant.id, { scope: scopeOf(tenant), ...request, excludeMembers: excludesMembers(query) }),
    },
    // Each member's $ref (RFC 7643 §4.2), which only the gateway can know.
    withReferences: (resource, baseUrl) => {
      if (!Array.isArray(resource.members)) return resource;
      const members = (resource.members as JsonObject[]).map((m) => ({
        value: m.value,
        $ref: `${baseUrl}/Users/${String(m.value)}`,
        ...(m.display !== undefined ? { display: m.display } : {}),
        type: m.type ?? 'User',
      }));
      return { ...resource, members };
    },
  };
}

/** An application-owned group created through the admin API (Genesys groups, Fulcrum unmanaged groups). */
export function appOwnedGroupCommand(resource: ResourceJson): CommandOf<typeof Topics.groupCommands> {
  return { type: 'group.create', payload: { scope: { managedOnly: false }, resource, managed: false } };
}

export function scopeOf(tenant: Pick<ResourceTenant, 'profile'>): GroupScope {
  return { managedOnly: tenant.profile.managedResources === true, strictness: tenant.profile.strictness ?? 'entra' };
}

/** Genesys: groups exist in the application and are matched by displayName, never created or deleted. */
function refuseWhenUpdateOnly(tenant: ResourceTenant): void {
  if (tenant.profile.groups?.mode === 'update-only') throw new ScimError(403, undefined, UPDATE_ONLY_DETAIL);
}

/** Entra's ADSCIM Group schema is accepted and dropped; only the core Group schema is checked. */
function withoutEntraGroupSchema(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const record = body as Record<string, unknown>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === 'schemas');
  const schemas = key === undefined ? undefined : record[key];
  if (key === undefined || !Array.isArray(schemas)) return body;
  return { ...record, [key]: schemas.filter((s) => typeof s !== 'string' || s.toLowerCase() !== ENTRA_GROUP_SCHEMA.toLowerCase()) };
}

function refuseNestedGroups(resource: JsonObject): void {
  if (!Array.isArray(resource.members)) return;
  for (const m of resource.members as JsonObject[]) {
    if (typeof m.type === 'string' && m.type.toLowerCase() === 'group') {
      throw new ScimError(400, 'invalidValue', `Member '${String(m.value)}' is a group; nested groups are not supported`);
    }
  }
}

function excludesMembers(query: Pick<ListQuery, 'attributes' | 'excludedAttributes'>): boolean {
  if (query.excludedAttributes.some((a) => a.toLowerCase() === 'members' || a.toLowerCase().startsWith('members.'))) return true;
  // attributes=displayName asks only for that (plus id, schemas, meta): members are not needed either.
  return query.attributes.length > 0 && !query.attributes.some((a) => a.toLowerCase() === 'members' || a.toLowerCase().startsWith('members'));
}
