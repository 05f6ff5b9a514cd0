import { Module } from '@nestjs/common';

/** The audit log's domain: request records and domain events, append-only (see docs/architecture.md). */
@Module({})
export class AuditLogServiceModule {}
