/**
 * Runs a Bulk request (RFC 7644 §3.7) through the same ResourcePipeline as single requests: each
 * operation is validated, decided by its owning service through the command bus, evented and
 * answered exactly as the same request alone would be. Operations run one after another in
 * request order (one tenant's writes stay ordered and the bulk holds one write slot), except that
 * an operation referring to a `bulkId` created later waits until that exists (§3.7.2).
 */
import type { ComponentLogger } from '@app/observability';
import { countMemberValues, ScimError, SCIM_INPUT_LIMITS, type JsonObject } from '@app/scim';
import { toErrorReply } from '../errors/error-response';
import type { ResourcePipeline } from '../resources/resource-pipeline';
import type { CommandTopic, ResourceTenant } from '../resources/resource-type';
import type { ScimAnswer } from '../resources/scim-answer';
import {
  BULK_RESPONSE_SCHEMA,
  parseBulkPath,
  parseBulkRequest,
  referencedBulkIds,
  resolveReferences,
  type BulkEndpoint,
  type BulkLimits,
  type BulkOperation,
} from './bulk-request';

/** What happened to one operation, for its own audit record. */
export interface BulkOperationOutcome {
  method: string;
  /** The operation's path with its references resolved, e.g. "Users/<id>"; undefined when it did not name one. */
  endpoint?: string;
  id?: string;
  receivedAt: Date;
  latencyMs: number;
  status: number;
  requestBody: unknown;
  responseBody: unknown;
}

export type BulkOperationObserver = (outcome: BulkOperationOutcome) => void;

/** One entry of the BulkResponse's Operations (§3.7.3); `id` is kept for references, not sent. */
interface OperationResult {
  method: string;
  bulkId?: string;
  version?: string;
  location?: string;
  status: string;
  response?: JsonObject;
  id?: string;
  failed: boolean;
}

export class BulkProcessor {
  constructor(
    private readonly pipelines: Record<BulkEndpoint, ResourcePipeline<CommandTopic>>,
    readonly limits: BulkLimits,
    private readonly log: ComponentLogger,
  ) {}

  /** `payloadBytes`: the request body's size, checked against maxPayloadSize (§3.7.4: 413 naming the limit). */
  async process(tenant: ResourceTenant, body: unknown, payloadBytes: number, baseUrl: string, observe?: BulkOperationObserver): Promise<JsonObject> {
    if (payloadBytes > this.limits.maxPayloadSize) {
      throw new ScimError(413, undefined, `The bulk request is ${payloadBytes} bytes; maxPayloadSize is ${this.limits.maxPayloadSize}`);
    }
    const request = parseBulkRequest(body, this.limits);
    const declared = new Map(request.operations.flatMap((op) => (op.bulkId !== undefined ? [[op.bulkId, op] as const] : [])));
    const created = new Map<string, string>();
    const failedBulkIds = new Set<string>();
    const results = new Map<number, OperationResult>();
    let errors = 0;
    const stopped = () => request.failOnErrors !== undefined && errors >= request.failOnErrors;
    const record = (op: BulkOperation, result: OperationResult) => {
      results.set(op.index, result);
      if (!result.failed) {
        if (op.bulkId !== undefined && result.id !== undefined) created.set(op.bulkId, result.id);
        return;
      }
      errors++;
      if (op.bulkId !== undefined) failedBulkIds.add(op.bulkId);
    };

    let pending = request.operations;
    while (pending.length > 0 && !stopped()) {
      const waiting: BulkOperation[] = [];
      for (const op of pending) {
        if (stopped()) break;
        const references = referencedBulkIds(op);
        const failedReference = references.find((id) => failedBulkIds.has(id));
        const unknown = references.find((id) => !declared.has(id));
        if (failedReference !== undefined || unknown !== undefined) {
          const detail = unknown !== undefined ? `bulkId '${unknown}' is not defined in this request` : `bulkId '${failedReference}' refers to an operation that failed`;
          record(op, conflict(op, detail));
          continue;
        }
        if (references.some((id) => !created.has(id))) {
          waiting.push(op); // its bulkId comes later in the request
          continue;
        }
        record(op, await this.execute(tenant, resolveReferences(op, created), baseUrl, observe));
      }
      if (waiting.length === pending.length) {
        // §3.7.2: references that cannot be resolved (circular, or on an operation that never ran) end in 409.
        for (const op of waiting)
          if (!stopped()) record(op, conflict(op, `bulkId references of this operation cannot be resolved (circular): ${referencedBulkIds(op).join(', ')}`));
        break;
      }
      pending = waiting;
    }
    const operations = [...results.entries()].sort(([a], [b]) => a - b).map(([, { id: _id, failed: _failed, ...shown }]) => shown);
    return { schemas: [BULK_RESPONSE_SCHEMA], Operations: operations as unknown as JsonObject[] };
  }

  private async execute(tenant: ResourceTenant, op: BulkOperation, baseUrl: string, observe?: BulkOperationObserver): Promise<OperationResult> {
    const head = { method: op.method, ...(op.bulkId !== undefined ? { bulkId: op.bulkId } : {}) };
    const receivedAt = new Date();
    const started = performance.now();
    let target: { endpoint: BulkEndpoint; id?: string } | undefined;
    const seen = (status: number, responseBody: unknown, id: string | undefined) =>
      observe?.({
        method: op.method,
        ...(target ? { endpoint: target.endpoint } : {}),
        ...(id !== undefined ? { id } : {}),
        receivedAt,
        latencyMs: performance.now() - started,
        status,
        requestBody: op.data,
        responseBody,
      });
    try {
      target = parseBulkPath(op);
      checkAsTheEdgeDoes(target, op);
      const pipeline = this.pipelines[target.endpoint];
      const id = target.id ?? '';
      let answer: ScimAnswer;
      switch (op.method) {
        case 'POST':
          answer = await pipeline.create(tenant, op.data, baseUrl);
          break;
        case 'PUT':
          answer = await pipeline.replace(tenant, id, op.data, op.version, baseUrl);
          break;
        case 'PATCH':
          answer = await pipeline.patch(tenant, id, op.data, op.version, baseUrl);
          break;
        case 'DELETE':
          answer = await pipeline.delete(tenant, id, op.version);
          break;
      }
      const resourceId = typeof answer.body?.id === 'string' ? answer.body.id : target.id;
      const location = answer.location ?? (resourceId !== undefined ? `${baseUrl}/${target.endpoint}/${resourceId}` : undefined);
      seen(answer.status, answer.body, target.id ?? resourceId);
      return {
        ...head,
        ...(answer.etag ? { version: answer.etag } : {}),
        ...(location !== undefined ? { location } : {}),
        status: String(answer.status),
        ...(resourceId !== undefined ? { id: resourceId } : {}),
        failed: false,
      };
    } catch (err) {
      const reply = toErrorReply(err);
      if (reply.unexpected) this.log.error('a bulk operation failed unexpectedly', { tenantId: tenant.id, index: op.index, error: err as Error });
      seen(reply.status, reply.body, target?.id);
      // §3.7.3: an operation that did not succeed carries its error body.
      return { ...head, status: String(reply.status), response: reply.body as unknown as JsonObject, failed: true };
    }
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What ScimInputGuard checks of a single request (ids, members per request), for one operation. */
function checkAsTheEdgeDoes(target: { endpoint: BulkEndpoint; id?: string }, op: BulkOperation): void {
  if (target.id !== undefined && !UUID.test(target.id)) throw new ScimError(404, undefined, `${target.endpoint === 'Users' ? 'User' : 'Group'} ${target.id} not found`);
  if (target.endpoint === 'Groups' && countMemberValues(op.data) > SCIM_INPUT_LIMITS.membersPerRequest) {
    throw new ScimError(400, 'invalidValue', `An operation may add, replace or remove at most ${SCIM_INPUT_LIMITS.membersPerRequest} members`);
  }
}

function conflict(op: BulkOperation, detail: string): OperationResult {
  const error = new ScimError(409, undefined, detail);
  return { method: op.method, ...(op.bulkId !== undefined ? { bulkId: op.bulkId } : {}), status: '409', response: error.toResponse() as unknown as JsonObject, failed: true };
}
