import { Inject, Injectable } from '@nestjs/common';
import { CommandReply, Headers, Topics } from '@app/contracts';
import type { TypedProducer } from '@app/messaging';
import { TYPED_PRODUCER } from '../tokens';

export interface OutgoingReply {
  reply: CommandReply;
  /** The gateway instance waiting, from the command's reply-to header. */
  replyTo?: string;
  correlationId?: string;
}

export interface ReplySender {
  publish(replies: readonly OutgoingReply[]): Promise<void>;
}

export const REPLY_SENDER = Symbol('REPLY_SENDER');

/**
 * Sends each decision to the gateway instance that waits for it: keyed by that instance's id
 * (the reply-to header), so one instance's replies share a partition it reads. A command
 * without reply-to has nobody waiting (replays, tools); its reply is stored but not sent.
 */
@Injectable()
export class CommandReplyPublisher implements ReplySender {
  constructor(@Inject(TYPED_PRODUCER) private readonly producer: TypedProducer) {}

  async publish(replies: readonly OutgoingReply[]): Promise<void> {
    const records = replies
      .filter((r): r is OutgoingReply & { replyTo: string } => typeof r.replyTo === 'string' && r.replyTo !== '')
      .map((r) => ({
        key: r.replyTo,
        value: r.reply,
        headers: {
          [Headers.replyTo]: r.replyTo,
          // The same command always gets the same message id, so a re-sent reply is recognisable.
          [Headers.messageId]: r.reply.commandId,
          [Headers.tenantId]: r.reply.tenantId,
          ...(r.correlationId ? { [Headers.correlationId]: r.correlationId } : {}),
        },
      }));
    await this.producer.send(Topics.commandReplies, records);
  }
}
