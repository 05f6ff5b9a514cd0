/**
 * Discovery bodies for one tenant, RFC 7644 §4: /ServiceProviderConfig (RFC 7643 §5),
 * /ResourceTypes (§6) and /Schemas (§7). They describe what this deployment implements for
 * THIS tenant: its enabled User extensions only, with its mutability overrides applied (Fuze's
 * create-only entitlements are published as "immutable", RFC 7643 §2.2).
 */
import { Inject, Injectable } from '@nestjs/common';
import {
  buildListResponse,
  contextSchemaResources,
  SchemaRegistry,
  ScimError,
  UserSchemaContexts,
  toResourceTypeResource,
  type JsonObject,
  type ListResponse,
  type SchemaContext,
} from '@app/scim';
import type { AuthenticatedTenant } from '../tenants/authenticated-tenant';
import { SCIM_DISCOVERY_OPTIONS, type ScimDiscoveryOptions } from './discovery.options';

export const SERVICE_PROVIDER_CONFIG_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';
/**
 * What RFC 7643 §5 has no attribute for but a client must know (RFC 7643 §3.3 extension): the
 * tenant's RFC strictness and how unknown attributes are treated.
 */
export const PROVIDER_PROFILE_EXTENSION = 'urn:scim-platform:schemas:extension:2.0:ServiceProviderConfig';

type DiscoveryTenant = Pick<AuthenticatedTenant, 'profile'>;

@Injectable()
export class DiscoveryService {
  private readonly registry = SchemaRegistry.createDefault();
  private readonly userContexts = new UserSchemaContexts();

  constructor(@Inject(SCIM_DISCOVERY_OPTIONS) private readonly options: ScimDiscoveryOptions) {}

  /** RFC 7643 §5: what the SCIM endpoints support, as implemented by the gateway, for this tenant. */
  serviceProviderConfig(baseUrl: string, tenant?: DiscoveryTenant): JsonObject {
    const strictness = tenant?.profile.strictness ?? 'entra';
    return {
      schemas: [SERVICE_PROVIDER_CONFIG_SCHEMA, PROVIDER_PROFILE_EXTENSION],
      ...(this.options.documentationUri ? { documentationUri: this.options.documentationUri } : {}),
      patch: { supported: true },
      bulk: this.options.bulk ? { supported: true, ...this.options.bulk } : { supported: false, maxOperations: 0, maxPayloadSize: 0 },
      filter: { supported: true, maxResults: this.options.maxResults },
      changePassword: { supported: false },
      sort: { supported: true },
      etag: { supported: true },
      authenticationSchemes: [
        {
          type: 'oauthbearertoken',
          name: 'OAuth Bearer Token',
          description: 'Authentication with a bearer token issued to the tenant by the gateway administrator',
          specUri: 'https://www.rfc-editor.org/info/rfc6750',
          primary: true,
        },
        ...(this.options.tokenEndpoint
          ? [
              {
                type: 'oauth2',
                name: 'OAuth 2.0 Client Credentials',
                description: `Bearer access token (JWT, RFC 9068) from the client credentials grant at ${this.options.tokenEndpoint}, with a client id and secret issued to the tenant by the gateway administrator`,
                specUri: 'https://www.rfc-editor.org/info/rfc6749',
                primary: false,
              },
            ]
          : []),
      ],
      [PROVIDER_PROFILE_EXTENSION]: {
        strictness,
        description:
          strictness === 'rfc7644'
            ? 'RFC 7644 as written: noTarget for a filtered PATCH that matches nothing, invalidPath for a path outside the schemas, unknown attributes refused'
            : 'Microsoft Entra compatible: a filtered replace matching nothing adds the entry, a filtered remove matching nothing is a no-op, "True"/"False" strings are booleans',
        unknownAttributes: strictness === 'rfc7644' ? 'strict' : (tenant?.profile.unknownAttributes ?? 'ignore'),
      },
      meta: { resourceType: 'ServiceProviderConfig', location: `${baseUrl}/ServiceProviderConfig` },
    };
  }

  schemas(tenant: DiscoveryTenant, baseUrl: string): ListResponse<JsonObject> {
    const resources = this.contexts(tenant).flatMap((context) => contextSchemaResources(context, baseUrl));
    return buildListResponse(resources, { totalResults: resources.length, startIndex: 1 });
  }

  /** 404 for a schema this tenant does not use, even when another tenant does. */
  schema(tenant: DiscoveryTenant, urn: string, baseUrl: string): JsonObject {
    const found = this.schemas(tenant, baseUrl).Resources.find((s) => String(s['id']).toLowerCase() === urn.toLowerCase());
    if (!found) throw new ScimError(404, undefined, `Schema ${urn} not found`);
    return found;
  }

  resourceTypes(tenant: DiscoveryTenant, baseUrl: string): ListResponse<JsonObject> {
    const resources = this.contexts(tenant).map((context) =>
      toResourceTypeResource(
        context.resourceType,
        baseUrl,
        context.extensions.map((ext) => ext.id),
      ),
    );
    return buildListResponse(resources, { totalResults: resources.length, startIndex: 1 });
  }

  resourceType(tenant: DiscoveryTenant, name: string, baseUrl: string): JsonObject {
    const found = this.resourceTypes(tenant, baseUrl).Resources.find((t) => String(t['id']).toLowerCase() === name.toLowerCase());
    if (!found) throw new ScimError(404, undefined, `Resource type ${name} not found`);
    return found;
  }

  /** The tenant's schema view per implemented resource type (the same SchemaContext commands are validated with). */
  private contexts(tenant: DiscoveryTenant): SchemaContext[] {
    return this.options.resourceTypes.map((type) =>
      type === 'User'
        ? this.userContexts.of({
            extensions: tenant.profile.userExtensions,
            mutabilityOverrides: tenant.profile.mutabilityOverrides,
            customSchemas: tenant.profile.customSchemas,
          })
        : this.registry.context(type, {}),
    );
  }
}
