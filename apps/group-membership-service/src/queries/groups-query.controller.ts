import { Body, Controller, UseGuards, Get, HttpCode, Param, Post, Query, UseFilters, UseInterceptors } from '@nestjs/common';
import {
  GroupQueryBody,
  GroupQueryRoutes,
  GroupsOfUsersBody,
  type GroupQuery,
  type GroupsOfUsersQuery,
  type ResourcePage,
  type StoredResource,
  type UserGroupRef,
} from '@app/contracts';
import { InternalAuthGuard, InternalBody, ScimHttpExceptionFilter, TenantReadGate } from '@app/runtime';
import { GroupsQueryService } from './groups-query.service';

/** The internal query API of GroupQueryRoutes (libs/contracts): for the gateway, not for tenants. */
@Controller()
@UseFilters(ScimHttpExceptionFilter)
@UseGuards(InternalAuthGuard) // the service credential, never a tenant's (docs/security.md)
export class GroupsQueryController {
  constructor(private readonly groups: GroupsQueryService) {}

  @Post(GroupQueryRoutes.query.pattern)
  @UseInterceptors(TenantReadGate) // per-tenant concurrency, cancelled when the caller is gone
  @HttpCode(200)
  query(@Param('tenantId') tenantId: string, @Body(new InternalBody(GroupQueryBody)) query: GroupQuery): Promise<ResourcePage> {
    return this.groups.query(tenantId, query);
  }

  @Get(GroupQueryRoutes.byId.pattern)
  @UseInterceptors(TenantReadGate)
  get(
    @Param('tenantId') tenantId: string,
    @Param('id') id: string,
    @Query('excludeMembers') excludeMembers?: string,
    @Query('managedOnly') managedOnly?: string,
  ): Promise<StoredResource> {
    return this.groups.get(tenantId, id, { excludeMembers: excludeMembers === 'true', managedOnly: managedOnly === 'true' });
  }

  @Post(GroupQueryRoutes.groupsOfUsers.pattern)
  @UseInterceptors(TenantReadGate)
  @HttpCode(200)
  groupsOfUsers(@Param('tenantId') tenantId: string, @Body(new InternalBody(GroupsOfUsersBody)) query: GroupsOfUsersQuery): Promise<{ groups: Record<string, UserGroupRef[]> }> {
    return this.groups.groupsOfUsers(tenantId, query);
  }
}
