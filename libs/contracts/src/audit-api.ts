import type { AuditedResourceType, RequestOperation, RequestRecord } from './request-record';

/**
 * The audit-log-service's query API (docs/audit.md). Every route needs
 * `Authorization: Bearer <credential>`: the ops credential sees every tenant, a tenant
 * credential only its own tenant (asking for another tenant is 403). Lists are newest first and
 * paged with an opaque `nextCursor`, passed back as `cursor`.
 */
export const AuditRoutes = {
  base: '/audit/v1',
  requests: '/audit/v1/requests',
  changes: '/audit/v1/changes',
  /** `/audit/v1/tenants/:tenantId/resources/:resourceType/:resourceId/history` */
  history: (tenantId: string, resourceType: AuditedResourceType, resourceId: string) =>
    `/audit/v1/tenants/${encodeURIComponent(tenantId)}/resources/${resourceType}/${encodeURIComponent(resourceId)}/history`,
  resources: '/audit/v1/resources',
  summaries: '/audit/v1/summaries',
  tenants: '/audit/v1/tenants',
  health: '/audit/v1/health',
  credentials: '/audit/v1/credentials',
  whoami: '/audit/v1/whoami',
  deadLetters: '/audit/v1/dead-letters',
  /** `/audit/v1/dead-letters/:id` */
  deadLetter: (id: string) => `/audit/v1/dead-letters/${encodeURIComponent(id)}`,
  replayDeadLetters: '/audit/v1/dead-letters/replay',
  dashboard: '/dashboard',
} as const;

export interface AuditPage<T> {
  items: T[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

/** GET /audit/v1/requests query parameters (all optional; `from`/`to` are ISO instants, `to` exclusive). */
export interface RequestQuery {
  tenantId?: string;
  from?: string;
  to?: string;
  resourceType?: AuditedResourceType;
  resourceId?: string;
  userName?: string;
  externalId?: string;
  method?: string;
  operation?: RequestOperation;
  /** An exact status (404) or a class (4xx). */
  status?: string;
  /** `true` keeps only answers with status >= 400. */
  failed?: string;
  scimType?: string;
  correlationId?: string;
  clientRequestId?: string;
  /** `true` keeps only requests with unknown attributes that were ignored. */
  ignored?: string;
  cursor?: string;
  /** 1..500, default 50. */
  limit?: string;
}

/** A request record as the query API answers it: every field present (null or empty when the record had none). */
export type AuditedRequest = Omit<RequestRecord, 'resourceType' | 'operation' | 'userName' | 'externalId' | 'requestBody' | 'responseBody' | 'ignoredAttributes'> & {
  resourceType: AuditedResourceType | null;
  operation: RequestOperation;
  userName: string | null;
  externalId: string | null;
  requestBody: unknown;
  responseBody: unknown;
  /** Unknown attributes the tenant's `ignore` profile dropped from this request (empty when none). */
  ignoredAttributes: string[];
};

/** One attribute's difference made by a change: `before` is null when added, `after` null when removed. */
export interface AttributeDifference {
  path: string;
  op: 'added' | 'removed' | 'changed';
  before: unknown;
  after: unknown;
}

/** GET /audit/v1/changes query parameters. `type` is a CloudEvent type such as scim.user.updated. */
export interface ChangeQuery {
  tenantId?: string;
  from?: string;
  to?: string;
  resourceType?: AuditedResourceType;
  resourceId?: string;
  /** Also matches membership changes that name this id as a member. */
  memberId?: string;
  userName?: string;
  externalId?: string;
  type?: string;
  correlationId?: string;
  cursor?: string;
  limit?: string;
}

export interface AuditedChange {
  eventId: string;
  tenantId: string;
  type: string;
  resourceType: AuditedResourceType;
  resourceId: string;
  userName: string | null;
  externalId: string | null;
  displayName: string | null;
  occurredAt: string;
  correlationId: string | null;
  changedAttributes: string[];
  /** Before/after per attribute against the resource's previous state in the log. */
  differences: AttributeDifference[];
  /** Membership changes: the members added or removed. */
  memberIds: string[];
}

/**
 * A resource's history, oldest change first: its own changes and, for a user, the membership
 * changes that name it. Paged with `cursor` like the lists, but in time order.
 */
export interface ResourceHistory {
  tenantId: string;
  resourceType: AuditedResourceType;
  resourceId: string;
  /** The latest state the log knows, null when it has seen no change of the resource. */
  current: AuditedResource | null;
  changes: AuditedChange[];
  nextCursor: string | null;
}

/** GET /audit/v1/resources: resources the log has seen, found by userName / externalId / displayName prefix. */
export interface AuditResourceQuery {
  tenantId?: string;
  resourceType?: AuditedResourceType;
  /** Case-insensitive prefix of userName, externalId or displayName. */
  q?: string;
  limit?: string;
}

export interface AuditedResource {
  tenantId: string;
  resourceType: AuditedResourceType;
  resourceId: string;
  userName: string | null;
  externalId: string | null;
  displayName: string | null;
  deleted: boolean;
  lastChangedAt: string;
  state: Record<string, unknown>;
}

/** GET /audit/v1/summaries: `bucket` is one of 1m, 5m, 15m, 1h, 1d (default 1h); from defaults to 24 h ago. */
export interface SummaryQuery {
  tenantId?: string;
  from?: string;
  to?: string;
  bucket?: string;
}

export interface TenantActivity {
  tenantId: string;
  bucketStart: string;
  requests: number;
  successes: number;
  failures: number;
  /** Failures keyed by scimType; answers without one are keyed by their status (e.g. "status:500"). */
  failuresByScimType: Record<string, number>;
  p50LatencyMs: number;
  p99LatencyMs: number;
}

export interface SummaryPage {
  bucket: string;
  from: string;
  to: string;
  items: TenantActivity[];
}

/** GET /audit/v1/tenants: tenants with audited activity, with totals over the last 24 hours. */
export interface AuditedTenant {
  tenantId: string;
  /** The name in the gateway's tenant registry (from its tenant events); null until one arrived. */
  name: string | null;
  lastSeenAt: string;
  requests24h: number;
  failures24h: number;
}

/** POST /audit/v1/credentials (ops only) body, and its answer; the token is shown once. */
export interface IssueAuditCredential {
  tenantId: string;
  label?: string;
}

export interface IssuedAuditCredential {
  id: string;
  tenantId: string;
  label: string | null;
  token: string;
  createdAt: string;
}

/** GET /audit/v1/whoami */
export interface AuditPrincipal {
  kind: 'ops' | 'tenant';
  tenantId: string | null;
}

/** How close a tenant is to Entra quarantining its provisioning job. */
export type TenantHealthState = 'healthy' | 'warning' | 'quarantine-risk' | 'idle';

/**
 * GET /audit/v1/health (`tenantId` optional): each tenant over Entra's window (the last
 * `windowMinutes`, 60 by default: an incremental cycle runs about every 40 minutes). Shares are
 * of all requests in the window; `errorRate` leaves out 429s (the tenant's own rate limit paces
 * Entra, which retries; they are `throttledShare`).
 */
export interface TenantHealth {
  tenantId: string;
  name: string | null;
  windowFrom: string;
  windowTo: string;
  requests: number;
  successes: number;
  /** Failures by kind as shares of `requests` (0..1): 4xx the client can fix, 5xx (and 499), 429, 401. */
  shares: { client: number; server: number; throttled: number; unauthorized: number };
  /** Failed requests other than 429, over requests other than 429. */
  errorRate: number;
  p50LatencyMs: number | null;
  p99LatencyMs: number | null;
  lastSuccessAt: string | null;
  lastUnauthorizedAt: string | null;
  lastSeenAt: string | null;
  state: TenantHealthState;
  /** Why the state is what it is, worst first; empty when healthy or idle. */
  reasons: TenantHealthReason[];
}

export interface TenantHealthReason {
  code: 'credentials-rejected' | 'most-calls-fail' | 'no-success' | 'many-calls-fail' | 'some-credentials-rejected' | 'throttled';
  state: 'warning' | 'quarantine-risk';
  /** One sentence for a person, with the numbers. */
  text: string;
}

/**
 * GET /audit/v1/dead-letters (ops only): messages a consumer gave up on, newest first, from every
 * `<topic>.dlt`. Filters: `topic` (the original topic), `tenantId`, `from`, `to`, `replayed=true|false`;
 * `limit`, `cursor`. GET /audit/v1/dead-letters/:id answers one with its whole value and its replays.
 */
export interface DeadLetter {
  id: string;
  /** Where the consumer read it, and which consumer group gave up. */
  originalTopic: string;
  originalPartition: number | null;
  originalOffset: string | null;
  consumerGroup: string | null;
  /** The dead-letter topic's coordinates of this copy. */
  deadLetterTopic: string;
  deadLetterPartition: number;
  deadLetterOffset: string;
  tenantId: string | null;
  messageId: string | null;
  key: string | null;
  /** The original value: as text when it is UTF-8 (JSON as sent), else base64 with `valueEncoding: 'base64'`. In lists, at most 2,048 characters (`valueTruncated`). */
  value: string | null;
  valueEncoding: 'utf8' | 'base64';
  valueTruncated: boolean;
  valueBytes: number;
  /** The original headers, without the dlt-* headers the consumer added. */
  headers: Record<string, string>;
  error: string;
  errorKind: string | null;
  attempts: number | null;
  failedAt: string;
  replayCount: number;
  lastReplayedAt: string | null;
}

export interface DeadLetterReplay {
  id: string;
  deadLetterId: string;
  replayedAt: string;
  /** `ops` (the ops credential is one secret: who used it is the ops team's record). */
  replayedBy: string;
  reason: string | null;
  topic: string;
  partition: number;
  offset: string;
}

export interface DeadLetterDetail extends DeadLetter {
  replays: DeadLetterReplay[];
}

/**
 * POST /audit/v1/dead-letters/replay (ops only): `ids` (1 to 500 dead-letter ids) are published
 * again to their original topics, with their original key, value and headers (so consumers that
 * already applied one skip it by its message id), in the order given; each replay is recorded.
 */
export interface ReplayDeadLetters {
  ids: string[];
  reason?: string;
}

export interface ReplayedDeadLetters {
  replays: DeadLetterReplay[];
}
