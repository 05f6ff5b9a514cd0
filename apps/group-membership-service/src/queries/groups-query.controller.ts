import { Body, Controller, Get, HttpCode, Param, Post, Query, UseFilters } from '@nestjs/common';
import type { ResourcePage, StoredResource, UserGroupRef } from '@app/contracts';
import { GroupsQueryService } from './groups-query.service';
import { ScimHttpExceptionFilter } from '@app/runtime';

/** The internal query API of GroupQueryRoutes (libs/contracts): for the gateway, not for tenants. */
@Controller('internal/v1/tenants/:tenantId')
@UseFilters(ScimHttpExceptionFilter)
export class GroupsQueryController {
  constructor(private readonly groups: GroupsQueryService) {}

  @Post('groups/query')
  @HttpCode(200)
  query(@Param('tenantId') tenantId: string, @Body() body: unknown): Promise<ResourcePage> {
    return this.groups.query(tenantId, body);
  }

  @Get('groups/:id')
  get(
    @Param('tenantId') tenantId: string,
    @Param('id') id: string,
    @Query('excludeMembers') excludeMembers?: string,
    @Query('managedOnly') managedOnly?: string,
  ): Promise<StoredResource> {
    return this.groups.get(tenantId, id, { excludeMembers: excludeMembers === 'true', managedOnly: managedOnly === 'true' });
  }

  @Post('users/groups')
  @HttpCode(200)
  groupsOfUsers(@Param('tenantId') tenantId: string, @Body() body: unknown): Promise<{ groups: Record<string, UserGroupRef[]> }> {
    return this.groups.groupsOfUsers(tenantId, body);
  }

  @Get('users/:userId/groups')
  groupsOfUser(@Param('tenantId') tenantId: string, @Param('userId') userId: string, @Query('managedOnly') managedOnly?: string): Promise<{ groups: UserGroupRef[] }> {
    return this.groups.groupsOfUser(tenantId, userId, managedOnly === 'true');
  }
}
