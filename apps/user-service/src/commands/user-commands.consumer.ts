import { Controller, UseFilters } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { Headers, Topics, type UserCommand } from '@app/contracts';
import { InboundMessage, RethrowRpcExceptionsFilter } from '@app/messaging';
import { UserCommandsService } from './user-commands.service';

/** One partition's batch of user commands (a tenant's commands arrive in order on one partition). */
@Controller()
@UseFilters(RethrowRpcExceptionsFilter)
export class UserCommandsConsumer {
  constructor(private readonly commands: UserCommandsService) {}

  @EventPattern(Topics.userCommands, { batch: true })
  async onCommands(messages: InboundMessage<UserCommand>[]): Promise<void> {
    await this.commands.handle(messages.map((m) => ({ command: m.value, replyTo: m.headers[Headers.replyTo], correlationId: m.correlationId, trace: m.trace })));
  }
}
