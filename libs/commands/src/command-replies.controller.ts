import { Body, Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { CommandReplyBatchBody, CommandReplyRoutes, type CommandReplyBatch } from '@app/contracts';
import { InternalAuthGuard, InternalBody } from '@app/runtime';
import { ScimError } from '@app/scim';
import { CommandBus } from './command-bus';

/**
 * Where the owning services deliver decisions to this gateway instance (CommandReplyRoutes, an
 * internal route, not under the SCIM base path, for the service credential only): the batch
 * settles the requests waiting for it.
 */
@Controller()
@UseGuards(InternalAuthGuard)
export class CommandRepliesController {
  constructor(private readonly bus: CommandBus) {}

  @Post(CommandReplyRoutes.deliver.pattern)
  @HttpCode(204)
  deliver(@Param('instanceId') instanceId: string, @Body(new InternalBody(CommandReplyBatchBody)) batch: CommandReplyBatch): void {
    // Another instance's id (this one restarted): nobody here waits for these decisions.
    if (!this.bus.deliver(instanceId, batch.replies)) throw new ScimError(404, undefined, 'no such gateway instance');
  }
}
