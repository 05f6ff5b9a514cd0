import { Inject, Injectable } from '@nestjs/common';
import { CommandReply, Headers, Topics } from '@app/contracts';
import type { TypedProducer } from '@app/messaging';
import { TYPED_PRODUCER } from '@app/runtime';

export interface OutgoingReply {
  reply: CommandReply;
  replyTo?: string;
  correlationId?: string;
}

export interface ReplySender {
  publish(replies: readonly OutgoingReply[]): Promise<void>;
}

export const REPLY_SENDER = Symbol('REPLY_SENDER');

/** Sends each decision to the gateway instance named in the command's reply-to header (as the user-service does). */
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
          [Headers.messageId]: r.reply.commandId,
          [Headers.tenantId]: r.reply.tenantId,
          ...(r.correlationId ? { [Headers.correlationId]: r.correlationId } : {}),
        },
      }));
    if (records.length > 0) await this.producer.send(Topics.commandReplies, records);
  }
}
