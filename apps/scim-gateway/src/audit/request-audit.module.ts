import { randomUUID } from 'node:crypto';
import { DynamicModule, Inject, Injectable, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Headers, Topics } from '@app/contracts';
import type { TypedProducer } from '@app/messaging';
import { CORRELATION_HEADER, correlationOfRequest, JsonLogger, METRICS_REGISTRY, MetricsRegistry, requestRecordMetricsOf } from '@app/observability';
import { LOGGER, TYPED_PRODUCER } from '@app/runtime';
import { bearerCredentialOf } from '../auth/bearer-token';
import '../auth/scim-request';
import { isUnderBasePath, normaliseBasePath } from '../edge/scim-edge.options';
import { BearerAuthenticator } from '../auth/bearer-authenticator';
import { RequestRecorder, type RequestRecorderOptions } from './request-recorder';

export type RequestAuditOptions = { enabled: boolean } & Pick<RequestRecorderOptions, 'basePath' | 'limits' | 'batchSize' | 'maxBatchBytes' | 'flushIntervalMs' | 'bufferLimit'>;

const REQUEST_AUDIT_OPTIONS = Symbol('REQUEST_AUDIT_OPTIONS');
const AUDIT_PAYLOAD = Symbol('auditPayload');
const AUDIT_STARTED = Symbol('auditStarted');
const AUDIT_RECORDED = Symbol('auditRecorded');
/** What a request the client gave up on before its answer is recorded with (nginx's "client closed request"). */
export const CLIENT_CLOSED_REQUEST = 499;
/** Entra sends a client-request-id on every provisioning call; it is what its logs show. */
export const CLIENT_REQUEST_ID_HEADER = 'client-request-id';
const SANE_CLIENT_REQUEST_ID = /^[\x21-\x7e]{1,200}$/;

type AuditedFastifyRequest = FastifyRequest & { [AUDIT_PAYLOAD]?: string; [AUDIT_STARTED]?: number; [AUDIT_RECORDED]?: boolean };

/** A SCIM request, marked (with its start time) when it arrived. */
function isAudited(request: FastifyRequest): request is AuditedFastifyRequest {
  return (request as AuditedFastifyRequest)[AUDIT_STARTED] !== undefined;
}

/**
 * Records every request under the SCIM base path once it is answered (Fastify's onResponse, after
 * the bytes went out) and hands it to the RequestRecorder, which sends batches of
 * `scim.request-records.v1` records in the background. Admin, health and metrics routes are not
 * SCIM requests and are not recorded.
 */
@Injectable()
export class RequestAuditHooks implements OnModuleInit, OnApplicationShutdown {
  readonly recorder: RequestRecorder;

  constructor(
    private readonly host: HttpAdapterHost,
    @Inject(REQUEST_AUDIT_OPTIONS) private readonly options: RequestAuditOptions,
    @Inject(TYPED_PRODUCER) producer: TypedProducer,
    @Inject(LOGGER) logger: JsonLogger,
    @Inject(METRICS_REGISTRY) metrics: MetricsRegistry,
    credentials: BearerAuthenticator,
  ) {
    const counters = requestRecordMetricsOf(metrics);
    this.recorder = new RequestRecorder({
      onCount: (outcome, n, buffered) => {
        counters.records.inc({ outcome }, n);
        counters.buffered.set(buffered);
      },
      ...options,
      logger: logger.child('request-records'),
      send: (records) =>
        producer.send(
          Topics.requestRecords,
          records.map((r) => ({ key: r.tenantId ?? 'unauthenticated', value: r, headers: { [Headers.correlationId]: r.correlationId } })),
        ),
      // A revoked token still names its tenant, so a 401 answered to it counts in that tenant's health.
      resolveTenant: (token) => credentials.ownerOf(token),
    });
  }

  onModuleInit(): void {
    if (!this.options.enabled) return;
    const fastify = this.host.httpAdapter.getInstance<FastifyInstance>();
    const basePath = normaliseBasePath(this.options.basePath);
    // Decided once per request: only SCIM requests are recorded (not admin, health, metrics).
    fastify.addHook('onRequest', (request, _reply, done) => {
      if (isUnderBasePath(request.url, basePath)) (request as AuditedFastifyRequest)[AUDIT_STARTED] = performance.now();
      done();
    });
    // A client that disconnects before its answer (Entra timing out) gets no onResponse; the
    // request may still have changed something, so it is recorded as 499.
    fastify.addHook('onRequestAbort', (request, done) => {
      if (isAudited(request)) this.observe(request, undefined);
      done();
    });
    // Authentication answers a 401 in an onRequest hook registered before this module's, so the
    // marker above never ran for it: a SCIM request being answered is marked here at the latest.
    const markAnswered = (request: FastifyRequest) => {
      const audited = request as AuditedFastifyRequest;
      if (audited[AUDIT_STARTED] === undefined && isUnderBasePath(request.url, basePath)) audited[AUDIT_STARTED] = performance.now();
    };
    fastify.addHook('onSend', (request, _reply, payload, done) => {
      markAnswered(request);
      if (isAudited(request)) {
        if (typeof payload === 'string') request[AUDIT_PAYLOAD] = payload;
        else if (Buffer.isBuffer(payload)) request[AUDIT_PAYLOAD] = payload.toString('utf8');
      }
      done(null, payload);
    });
    fastify.addHook('onResponse', (request, reply, done) => {
      if (isAudited(request)) this.observe(request, reply);
      done();
    });
  }

  async onApplicationShutdown(): Promise<void> {
    // Runs after the HTTP server closed (no request is still being answered) and before the
    // producer disconnects (bootstrapService closes it after the app).
    await this.recorder.close();
  }

  /**
   * Records a request the gateway carried out on a client's behalf inside another one (each
   * operation of a Bulk request, RFC 7644 §3.7), as if it had come alone: same tenant, token and
   * correlation id as the request that carried it.
   */
  recordCarried(parent: FastifyRequest, carried: CarriedRequest): void {
    if (!this.options.enabled) return;
    const tenant = parent.scimTenant;
    const correlation = correlationOfRequest(parent);
    const clientRequestId = parent.headers[CLIENT_REQUEST_ID_HEADER];
    const body = carried.requestBody === undefined ? '' : JSON.stringify(carried.requestBody);
    this.recorder.record({
      observed: {
        recordId: randomUUID(),
        receivedAt: carried.receivedAt,
        method: carried.method,
        url: carried.url,
        route: carried.route,
        params: carried.params,
        status: carried.status,
        latencyMs: carried.latencyMs,
        correlationId: correlation?.correlationId ?? '',
        clientRequestId: typeof clientRequestId === 'string' && SANE_CLIENT_REQUEST_ID.test(clientRequestId) ? clientRequestId : null,
        tenantId: tenant?.id ?? null,
        tokenId: tenant?.tokenId ?? null,
        requestBody: carried.requestBody,
        requestBytes: Buffer.byteLength(body, 'utf8'),
        responsePayload: carried.responseBody === undefined ? undefined : JSON.stringify(carried.responseBody),
      },
    });
  }

  /** Records a request once: answered (reply), or abandoned by its client (no reply). */
  private observe(request: AuditedFastifyRequest, reply: FastifyReply | undefined): void {
    if (request[AUDIT_RECORDED]) return;
    request[AUDIT_RECORDED] = true;
    const elapsed = reply ? reply.elapsedTime : performance.now() - request[AUDIT_STARTED]!;
    const correlation = correlationOfRequest(request);
    const status = reply ? reply.statusCode : CLIENT_CLOSED_REQUEST;
    const tenant = request.scimTenant;
    const clientRequestId = request.headers[CLIENT_REQUEST_ID_HEADER];
    const credential = tenant ? undefined : bearerCredentialOf(request.headers.authorization);
    const length = Number(request.headers['content-length'] ?? 0);
    this.recorder.record({
      observed: {
        recordId: randomUUID(),
        receivedAt: new Date(Date.now() - elapsed),
        method: request.method,
        url: request.url,
        route: request.routeOptions?.url,
        params: (request.params ?? {}) as Record<string, unknown>,
        status,
        latencyMs: elapsed,
        correlationId: correlation?.correlationId ?? String(reply?.getHeader(CORRELATION_HEADER) ?? ''),
        clientRequestId: typeof clientRequestId === 'string' && SANE_CLIENT_REQUEST_ID.test(clientRequestId) ? clientRequestId : null,
        tenantId: tenant?.id ?? null,
        tokenId: tenant?.tokenId ?? null,
        requestBody: request.body,
        requestBytes: Number.isFinite(length) ? length : 0,
        responsePayload: reply ? request[AUDIT_PAYLOAD] : undefined,
        ignoredAttributes: correlation?.ignoredAttributes,
      },
      // A request refused before authentication (415, bad JSON) still names its tenant if its token is good.
      // Held in memory only until the record is built, to find the tenant; never part of the record.
      bearerToken: credential?.kind === 'bearer' ? credential.token : undefined,
    });
    request[AUDIT_PAYLOAD] = undefined;
  }
}

/** A request carried inside another (a Bulk operation), as its record needs it. */
export interface CarriedRequest {
  receivedAt: Date;
  method: string;
  /** Path under the base path as if sent alone, e.g. /scim/v2/Users/<id>. */
  url: string;
  /** Its route pattern, e.g. /scim/v2/Users/:id. */
  route: string;
  params: Record<string, unknown>;
  status: number;
  latencyMs: number;
  requestBody: unknown;
  responseBody: unknown;
}

/**
 * Request records for the audit log (docs/audit.md); `enabled: false` records nothing. Global,
 * so what carries requests inside a request (Bulk) can record each of them.
 */
@Module({})
export class RequestAuditModule {
  static forRoot(options: RequestAuditOptions): DynamicModule {
    return {
      module: RequestAuditModule,
      global: true,
      providers: [{ provide: REQUEST_AUDIT_OPTIONS, useValue: options }, RequestAuditHooks],
      exports: [RequestAuditHooks],
    };
  }
}
