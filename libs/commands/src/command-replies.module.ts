import { DynamicModule, Module } from '@nestjs/common';
import { CommandRepliesController } from './command-replies.controller';

/**
 * The internal route the owning services deliver decisions to, outside the SCIM base path.
 * `busModule` is the module that provides (and exports) this instance's CommandBus.
 */
@Module({})
export class CommandRepliesModule {
  static forRoot(busModule: DynamicModule): DynamicModule {
    return { module: CommandRepliesModule, imports: [busModule], controllers: [CommandRepliesController] };
  }
}
