import { Controller, Inject, UseFilters } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { Topics, type GroupEvent, type RequestRecord, type TenantEvent, type UserEvent } from '@app/contracts';
import { InboundMessage, NonRetryableError, RethrowRpcExceptionsFilter } from '@app/messaging';
import { auditIngestMetricsOf, METRICS_REGISTRY, MetricsRegistry, type AuditIngestMetrics } from '@app/observability';
import type { AuditIngestService } from './audit-ingest.service';

export const AUDIT_INGEST = Symbol('AUDIT_INGEST');

/** The audit log's inputs: the gateway's request records and tenant events, the user and group events. */
@Controller()
@UseFilters(RethrowRpcExceptionsFilter)
export class AuditIngestConsumer {
  private readonly metrics: AuditIngestMetrics;

  constructor(
    @Inject(AUDIT_INGEST) private readonly ingest: AuditIngestService,
    @Inject(METRICS_REGISTRY) metrics: MetricsRegistry,
  ) {
    this.metrics = auditIngestMetricsOf(metrics);
  }

  @EventPattern(Topics.requestRecords, { batch: true })
  async onRequestRecords(messages: InboundMessage<RequestRecord>[]): Promise<void> {
    const records = messages.map((m) => m.value);
    await refusedDataIsFinal(() => this.ingest.appendRequests(records));
    const now = Date.now();
    for (const r of records) this.metrics.ingestLag.observe({ kind: 'request' }, Math.max(0, now - Date.parse(r.receivedAt) - r.latencyMs) / 1000);
  }

  @EventPattern(Topics.userEvents, { batch: true })
  async onUserEvents(messages: InboundMessage<UserEvent>[]): Promise<void> {
    await this.onEvents(messages);
  }

  @EventPattern(Topics.groupEvents, { batch: true })
  async onGroupEvents(messages: InboundMessage<GroupEvent>[]): Promise<void> {
    await this.onEvents(messages);
  }

  @EventPattern(Topics.tenantEvents, { batch: true })
  async onTenantEvents(messages: InboundMessage<TenantEvent>[]): Promise<void> {
    await refusedDataIsFinal(() => this.ingest.noteTenantEvents(messages.map((m) => m.value)));
  }

  private async onEvents(messages: InboundMessage<UserEvent | GroupEvent>[]): Promise<void> {
    await refusedDataIsFinal(() => this.ingest.appendEvents(messages.map((m) => ({ event: m.value, correlationId: m.correlationId ?? null }))));
    const now = Date.now();
    for (const m of messages) this.metrics.ingestLag.observe({ kind: 'change' }, Math.max(0, now - Date.parse(m.value.time)) / 1000);
  }
}

/**
 * Postgres refusing the data itself (SQLSTATE class 22, data exception; 54, a limit such as an
 * index row too large) will refuse it again: the record goes to the dead-letter topic at once
 * (after the transport has retried its batch record by record) instead of holding the
 * partition. Anything else (connection lost, deadlock) is retried.
 */
async function refusedDataIsFinal<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && (code.startsWith('22') || code.startsWith('54')))
      throw new NonRetryableError(`the audit store refused the record (${code}): ${(err as Error).message}`);
    throw err;
  }
}
