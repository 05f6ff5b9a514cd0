/** Options of the gateway's Groups endpoints. */
export interface ScimGroupsOptions {
  basePath: string;
  /** Base URL of the group-membership-service's internal query API. */
  groupServiceUrl: string;
  decisionTimeoutMs: number;
  retryAfterSeconds: number;
  defaultPageSize: number;
  maxPageSize: number;
}

export const SCIM_GROUPS_OPTIONS = Symbol('SCIM_GROUPS_OPTIONS');
