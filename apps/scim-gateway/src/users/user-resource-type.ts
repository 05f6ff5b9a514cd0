import { Topics } from '@app/contracts';
import { UserSchemaContexts, validateResource, withoutWriteOnly, withoutWriteOnlyOperations } from '@app/scim';
import type { UserGroups } from '../groups/user-groups';
import type { ResourceTenant, ScimResourceType } from '../resources/resource-type';
import { UserQueryClient } from './user-query.client';

/**
 * Users (RFC 7643 §4.1) at the gateway: validated against the tenant's User schemas (its
 * extensions and mutability overrides), unknown attributes refused or ignored as its profile
 * says, decided by the user-service, and `groups` filled from the group-membership-service when
 * that is wired. Write-only attributes (the password) are left out of every command: the
 * platform keeps none, so no secret is put on Kafka (docs/security.md).
 */
export function userResourceType(
  queries: Pick<UserQueryClient, 'byId' | 'query'>,
  userGroups: Pick<UserGroups, 'fill'> | null,
  leaveGroups?: (tenant: ResourceTenant, userId: string) => Promise<void>,
): ScimResourceType<typeof Topics.userCommands> {
  const contexts = new UserSchemaContexts();
  const ifMatchOf = (ifMatch?: string) => (ifMatch ? { ifMatch } : {});
  return {
    name: 'User',
    endpoint: 'Users',
    topic: Topics.userCommands,
    schemaContext: (tenant) => contexts.of(tenant.schemaProfile),
    validate: (tenant, body, mode) => validateResource(body, contexts.of(tenant.schemaProfile), { mode, entraCompat: tenant.schemaProfile.strictness !== 'rfc7644' }),
    unknownAttributes: (tenant) => tenant.schemaProfile.unknownAttributes,
    commands: {
      create: (tenant, resource) => ({
        type: 'user.create',
        payload: { profile: tenant.schemaProfile, resource: withoutWriteOnly(resource, contexts.of(tenant.schemaProfile)) },
      }),
      replace: (tenant, id, resource, ifMatch) => ({
        type: 'user.replace',
        payload: { profile: tenant.schemaProfile, id, resource: withoutWriteOnly(resource, contexts.of(tenant.schemaProfile)), ...ifMatchOf(ifMatch) },
      }),
      patch: (tenant, id, operations, ifMatch) => ({
        type: 'user.patch',
        payload: { profile: tenant.schemaProfile, id, operations: withoutWriteOnlyOperations(operations, contexts.of(tenant.schemaProfile)), ...ifMatchOf(ifMatch) },
      }),
      delete: (_tenant, id, ifMatch) => ({ type: 'user.delete', payload: { id, ...ifMatchOf(ifMatch) } }),
    },
    reader: {
      byId: (tenant, id) => queries.byId(tenant.id, id),
      page: (tenant, request) => queries.query(tenant.id, { profile: tenant.schemaProfile, ...request }),
    },
    // A deleted user is in no group by the time the client gets its 204 (docs/scim.md).
    ...(leaveGroups ? { afterDelete: leaveGroups } : {}),
    // User.groups (read-only, RFC 7643 §4.1.2) from the group-membership-service, when it is wired.
    withAttributesFromElsewhere: userGroups ? (tenant, users, query, baseUrl) => userGroups.fill(tenant, users, query, baseUrl) : undefined,
  };
}
