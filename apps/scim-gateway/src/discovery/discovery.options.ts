/** Resource types the gateway can serve; discovery lists only those the app actually routes. */
export const DISCOVERABLE_RESOURCE_TYPES = ['User', 'Group'] as const;
export type DiscoverableResourceType = (typeof DISCOVERABLE_RESOURCE_TYPES)[number];

export interface ScimDiscoveryOptions {
  /** Same base path as the SCIM edge (e.g. "/scim/v2"); discovery routes are mounted under it. */
  basePath: string;
  /** The most resources one list response returns (ServiceProviderConfig filter.maxResults, RFC 7643 §5). */
  maxResults: number;
  /** Resource types implemented by this deployment: list "Group" only once /Groups is routed. */
  resourceTypes: DiscoverableResourceType[];
  /** POST /Bulk limits when the deployment routes it (RFC 7643 §5 bulk). */
  bulk?: { maxOperations: number; maxPayloadSize: number };
  /** The OAuth token endpoint of the client credentials grant, named in authenticationSchemes. */
  tokenEndpoint?: string;
  /** Optional human-readable help page (ServiceProviderConfig documentationUri). */
  documentationUri?: string;
}

export const DEFAULT_SCIM_DISCOVERY_OPTIONS: ScimDiscoveryOptions = {
  basePath: '/scim/v2',
  maxResults: 200,
  resourceTypes: ['User'],
};

export const SCIM_DISCOVERY_OPTIONS = Symbol('SCIM_DISCOVERY_OPTIONS');
