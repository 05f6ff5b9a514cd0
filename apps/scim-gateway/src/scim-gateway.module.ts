import { Module } from '@nestjs/common';

/** The HTTP edge: SCIM endpoints, tenants and tokens (see docs/architecture.md). */
@Module({})
export class ScimGatewayModule {}
