import { Controller, UseFilters } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { Headers, Topics, type GroupCommand, type UserEvent } from '@app/contracts';
import { InboundMessage, RethrowRpcExceptionsFilter } from '@app/messaging';
import { GroupCommandsService } from './group-commands.service';

/** One partition's batch of group commands, and of user events (for known_users and deletions). */
@Controller()
@UseFilters(RethrowRpcExceptionsFilter)
export class GroupCommandsConsumer {
  constructor(private readonly commands: GroupCommandsService) {}

  @EventPattern(Topics.groupCommands, { batch: true })
  async onCommands(messages: InboundMessage<GroupCommand>[]): Promise<void> {
    await this.commands.handle(messages.map((m) => ({ command: m.value, replyTo: m.headers[Headers.replyTo], correlationId: m.correlationId, trace: m.trace })));
  }

  @EventPattern(Topics.userEvents, { batch: true })
  async onUserEvents(messages: InboundMessage<UserEvent>[]): Promise<void> {
    await this.commands.handleUserEvents(messages.map((m) => m.value));
  }
}
