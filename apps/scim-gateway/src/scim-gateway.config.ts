import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { GatewayEdgeConfig } from './wiring/gateway-edge.config';

export class ScimGatewayConfig extends GatewayEdgeConfig {
  /** Service credential of the internal query APIs and /metrics (docs/security.md): at least 32 characters. */
  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters (npm run up and the tests generate one)' })
  INTERNAL_API_TOKEN!: string;

  override HTTP_PORT = 3100;

  /**
   * Commands wait up to 5 ms to share a produce request: at a few hundred creates a second, 2 ms
   * windows held about one command each (one request per command for the broker).
   */
  override KAFKA_LINGER_MS = 5;

  /** Base URL of the user-service's internal query API. */
  @Matches(/^https?:\/\/[^\s/]+(:\d+)?$/, { message: 'must be an http(s) base URL without a path' })
  USER_SERVICE_URL = 'http://127.0.0.1:3101';

  /** Base URL of the group-membership-service's internal query API. */
  @Matches(/^https?:\/\/[^\s/]+(:\d+)?$/, { message: 'must be an http(s) base URL without a path' })
  GROUP_SERVICE_URL = 'http://127.0.0.1:3102';

  /** `true`: GET /Users fills the read-only `groups` attribute from the group-membership-service. */
  @IsIn(['true', 'false'])
  USER_GROUPS_ATTRIBUTE: 'true' | 'false' = 'true';

  /** How long a write waits for its owning service's decision before the gateway answers 503. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(120000)
  DECISION_TIMEOUT_MS = 10000;

  /**
   * How decisions come back to this instance (docs/architecture.md): `http`, posted by the owning
   * service to COMMAND_REPLY_URL (one request per decided batch, no broker hop), or `kafka`, through
   * the reply topic and a consumer of this instance's own.
   */
  @IsIn(['http', 'kafka'])
  COMMAND_REPLY_TRANSPORT: 'http' | 'kafka' = 'http';

  /**
   * Base URL at which the owning services reach this instance for `http` replies (its internal
   * API: the pod IP on Kubernetes). Unset: http://127.0.0.1:HTTP_PORT (every service on one host).
   */
  @IsOptional()
  @Matches(/^https?:\/\/[^\s/]+(:\d+)?$/, { message: 'must be an http(s) base URL without a path' })
  COMMAND_REPLY_URL?: string;

  /** Page size of a list request that sends no `count` (at most SCIM_MAX_PAGE_SIZE). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10000)
  SCIM_DEFAULT_PAGE_SIZE = 100;

  /** POST /Bulk: most operations in one request (RFC 7644 §3.7.4; more: 413). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000)
  SCIM_BULK_MAX_OPERATIONS = 100;

  /** POST /Bulk: largest request body in bytes (more: 413); capped at SCIM_BODY_LIMIT_BYTES. */
  @Type(() => Number)
  @IsInt()
  @Min(1024)
  SCIM_BULK_MAX_PAYLOAD_BYTES = 1_048_576;

  /** `on`: every SCIM request is recorded to scim.request-records.v1 for the audit log. */
  @IsIn(['on', 'off'])
  AUDIT_REQUEST_RECORDS: 'on' | 'off' = 'on';

  /** A request or answer body longer than this (as JSON) is kept in its record as a preview. */
  @Type(() => Number)
  @IsInt()
  @Min(256)
  @Max(262_144)
  AUDIT_BODY_LIMIT_BYTES = 16_384;

  /** Request records wait at most this long to share a batch. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(60_000)
  AUDIT_FLUSH_INTERVAL_MS = 200;

  /** Records held while Kafka is slow or down; beyond it the oldest are dropped (and counted). */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  AUDIT_BUFFER_LIMIT = 50_000;
}
