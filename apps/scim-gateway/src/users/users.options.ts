/** Options of the gateway's Users endpoints. */
export interface ScimUsersOptions {
  /** SCIM base path the controller is mounted under (same as the edge's). */
  basePath: string;
  /** Base URL of the user-service's internal query API. */
  userServiceUrl: string;
  /** How long a write waits for the user-service's decision before answering 503. */
  decisionTimeoutMs: number;
  /** Seconds a client is told to wait after a 503 on a write whose decision is late. */
  retryAfterSeconds: number;
  /** Page size when the client sends no `count`, and the most a page may hold (advertised as filter.maxResults). */
  defaultPageSize: number;
  maxPageSize: number;
  /** When set, User.groups is filled from this group-membership-service (internal query API). */
  groupServiceUrl?: string;
}

export const SCIM_USERS_OPTIONS = Symbol('SCIM_USERS_OPTIONS');
