import { Body, Controller, Inject, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Topics } from '@app/contracts';
import { appOwnedGroupCommand } from '../groups/group-resource-type';
import type { ResourcePipeline } from '../resources/resource-pipeline';
import { GROUPS_PIPELINE } from '../resources/scim-resources.module';
import { SCIM_EDGE_OPTIONS, scimBaseUrl, type ScimEdgeOptions } from '../edge/scim-edge.options';
import { schemaProfileOf } from '../tenants/schema-profile';
import { TenantsService } from '../tenants/tenants.service';
import { AdminTokenGuard } from './admin-token.guard';

/**
 * Admin API for groups the application owns:
 *   POST /admin/v1/tenants/:tenantId/groups   SCIM Group body → 201 Group (managed: false)
 * Genesys (groups update-only) matches these by displayName and only updates them through SCIM;
 * under Fulcrum's managedResources they stay invisible to SCIM.
 */
@Controller('admin/v1/tenants/:tenantId/groups')
@UseGuards(AdminTokenGuard)
export class AdminGroupsController {
  constructor(
    private readonly tenants: TenantsService,
    @Inject(GROUPS_PIPELINE) private readonly groups: ResourcePipeline<typeof Topics.groupCommands>,
    @Inject(SCIM_EDGE_OPTIONS) private readonly edge: ScimEdgeOptions,
  ) {}

  @Post()
  async create(@Param('tenantId') tenantId: string, @Body() body: unknown, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const tenant = await this.tenants.get(tenantId); // 404 for an unknown tenant
    const target = { id: tenant.id, profile: tenant.profile, schemaProfile: schemaProfileOf(tenant) };
    const answer = await this.groups.createAs(target, body, scimBaseUrl({ protocol: req.protocol, host: req.host }, this.edge), appOwnedGroupCommand);
    if (answer.etag) reply.header('ETag', answer.etag);
    return reply.status(answer.status).send(answer.body);
  }
}
