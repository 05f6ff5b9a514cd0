import { Body, Controller, Delete, Get, HttpCode, Param, Put, UseGuards } from '@nestjs/common';
import { TenantSchemas } from '../tenants/tenants.service';
import { AdminTokenGuard } from './admin-token.guard';

/**
 * Admin API: a tenant's own User extension schemas (docs/tenants.md "Extension schemas").
 *   GET    /admin/v1/tenants/:tenantId/schemas          → {schemas}
 *   PUT    /admin/v1/tenants/:tenantId/schemas          schema (its id names it) → the stored definition
 *   DELETE /admin/v1/tenants/:tenantId/schemas/:urn     → 204
 */
@Controller('admin/v1/tenants/:tenantId/schemas')
@UseGuards(AdminTokenGuard)
export class AdminSchemasController {
  constructor(private readonly schemas: TenantSchemas) {}

  @Get()
  async list(@Param('tenantId') tenantId: string): Promise<{ schemas: Array<Record<string, unknown>> }> {
    return { schemas: await this.schemas.list(tenantId) };
  }

  @Put()
  define(@Param('tenantId') tenantId: string, @Body() schema: unknown): Promise<Record<string, unknown>> {
    return this.schemas.define(tenantId, schema);
  }

  @Delete(':urn')
  @HttpCode(204)
  async remove(@Param('tenantId') tenantId: string, @Param('urn') urn: string): Promise<void> {
    await this.schemas.remove(tenantId, urn);
  }
}
