import { Body, Controller, UseGuards, Get, HttpCode, Param, Post, UseFilters, UseInterceptors } from '@nestjs/common';
import { ResourceQueryBody, UserIdsBody, UserQueryRoutes, type ResourcePage, type ResourceQuery, type StoredResource, type UserIds } from '@app/contracts';
import { InternalAuthGuard, InternalBody, ScimHttpExceptionFilter, TenantReadGate } from '@app/runtime';
import { UsersQueryService } from './users-query.service';

/** The internal query API of UserQueryRoutes (libs/contracts): for the gateway, not for tenants. */
@Controller()
@UseFilters(ScimHttpExceptionFilter)
@UseGuards(InternalAuthGuard) // the service credential, never a tenant's (docs/security.md)
export class UsersQueryController {
  constructor(private readonly users: UsersQueryService) {}

  @Post(UserQueryRoutes.query.pattern)
  @UseInterceptors(TenantReadGate) // per-tenant concurrency, cancelled when the caller is gone
  @HttpCode(200)
  query(@Param('tenantId') tenantId: string, @Body(new InternalBody(ResourceQueryBody)) query: ResourceQuery): Promise<ResourcePage> {
    return this.users.query(tenantId, query);
  }

  /** Which of these ids are users of the tenant (the group service checks members with it). */
  @Post(UserQueryRoutes.existing.pattern)
  @HttpCode(200)
  existing(@Param('tenantId') tenantId: string, @Body(new InternalBody(UserIdsBody)) body: UserIds): Promise<UserIds> {
    return this.users.existing(tenantId, body.ids);
  }

  @Get(UserQueryRoutes.byId.pattern)
  @UseInterceptors(TenantReadGate)
  get(@Param('tenantId') tenantId: string, @Param('id') id: string): Promise<StoredResource> {
    return this.users.get(tenantId, id);
  }
}
