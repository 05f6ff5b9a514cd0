import { Body, Controller, Get, HttpCode, Param, Post, UseFilters } from '@nestjs/common';
import type { ResourcePage, StoredResource, UserIds } from '@app/contracts';
import { ScimHttpExceptionFilter } from '@app/runtime';
import { UsersQueryService } from './users-query.service';

/** The internal query API of UserQueryRoutes (libs/contracts): for the gateway, not for tenants. */
@Controller('internal/v1/tenants/:tenantId/users')
@UseFilters(ScimHttpExceptionFilter)
export class UsersQueryController {
  constructor(private readonly users: UsersQueryService) {}

  @Post('query')
  @HttpCode(200)
  query(@Param('tenantId') tenantId: string, @Body() body: unknown): Promise<ResourcePage> {
    return this.users.query(tenantId, body);
  }

  /** Which of these ids are users of the tenant (the group service checks members with it). */
  @Post('existing')
  @HttpCode(200)
  existing(@Param('tenantId') tenantId: string, @Body() body: unknown): Promise<UserIds> {
    return this.users.existing(tenantId, body);
  }

  @Get(':id')
  get(@Param('tenantId') tenantId: string, @Param('id') id: string): Promise<StoredResource> {
    return this.users.get(tenantId, id);
  }
}
