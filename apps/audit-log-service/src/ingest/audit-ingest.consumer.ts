import { Controller, Inject, UseFilters } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { Topics, type GroupEvent, type RequestRecord, type UserEvent } from '@app/contracts';
import { InboundMessage, RethrowRpcExceptionsFilter } from '@app/messaging';
import type { AuditIngest } from '../store/audit-ingest';

export const AUDIT_INGEST = Symbol('AUDIT_INGEST');

/** The audit log's three inputs: the gateway's request records and the user and group events. */
@Controller()
@UseFilters(RethrowRpcExceptionsFilter)
export class AuditIngestConsumer {
  constructor(@Inject(AUDIT_INGEST) private readonly ingest: AuditIngest) {}

  @EventPattern(Topics.requestRecords, { batch: true })
  async onRequestRecords(messages: InboundMessage<RequestRecord>[]): Promise<void> {
    await this.ingest.appendRequests(messages.map((m) => m.value));
  }

  @EventPattern(Topics.userEvents, { batch: true })
  async onUserEvents(messages: InboundMessage<UserEvent>[]): Promise<void> {
    await this.ingest.appendEvents(messages.map((m) => ({ event: m.value, correlationId: m.correlationId ?? null })));
  }

  @EventPattern(Topics.groupEvents, { batch: true })
  async onGroupEvents(messages: InboundMessage<GroupEvent>[]): Promise<void> {
    await this.ingest.appendEvents(messages.map((m) => ({ event: m.value, correlationId: m.correlationId ?? null })));
  }
}
