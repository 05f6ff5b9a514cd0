import { Inject, Injectable, Optional } from '@nestjs/common';
import { CommandReply, CommandReplyBatch, Headers, isReplyUrl, Topics } from '@app/contracts';
import type { TypedProducer } from '@app/messaging';
import type { ComponentLogger, JsonLogger } from '@app/observability';
import { INTERNAL_CALL_HEADERS, LOGGER, TYPED_PRODUCER } from '@app/runtime';

export interface OutgoingReply {
  reply: CommandReply;
  /** Where the gateway instance waiting gets it, from the command's reply-to header: a URL or an instance id. */
  replyTo?: string;
  correlationId?: string;
}

export interface ReplySender {
  publish(replies: readonly OutgoingReply[]): Promise<void>;
}

export const REPLY_SENDER = Symbol('REPLY_SENDER');

/** One attempt of an HTTP delivery may take this long before it counts as failed. */
const HTTP_DELIVERY_TIMEOUT_MS = 2_000;

/**
 * Sends each decision to the gateway instance that waits for it, the way its command asked
 * (the reply-to header):
 * - an HTTP URL (CommandReplyRoutes.deliver on that instance): one POST per batch and instance,
 *   tried twice; a reply that still cannot be delivered is logged, and its client gets 503 after
 *   the gateway's decision timeout (the decision stands and is stored: a retried request finds it);
 * - a gateway instance id: the reply topic, keyed by that id so the instance's replies share a
 *   partition it reads.
 * A command without reply-to has nobody waiting (replays, tools); its reply is stored but not sent.
 */
@Injectable()
export class CommandReplyPublisher implements ReplySender {
  private readonly log?: ComponentLogger;

  constructor(
    @Inject(TYPED_PRODUCER) private readonly producer: TypedProducer,
    @Optional() @Inject(LOGGER) logger?: JsonLogger,
    @Optional() @Inject(INTERNAL_CALL_HEADERS) private readonly callHeaders: Record<string, string> = {},
  ) {
    this.log = logger?.child('command-replies');
  }

  async publish(replies: readonly OutgoingReply[]): Promise<void> {
    const byUrl = new Map<string, CommandReply[]>();
    const onTopic: Array<OutgoingReply & { replyTo: string }> = [];
    for (const r of replies) {
      if (typeof r.replyTo !== 'string' || r.replyTo === '') continue;
      if (isReplyUrl(r.replyTo)) byUrl.set(r.replyTo, [...(byUrl.get(r.replyTo) ?? []), r.reply]);
      else onTopic.push(r as OutgoingReply & { replyTo: string });
    }
    await Promise.all([...[...byUrl].map(([url, batch]) => this.deliver(url, batch)), this.sendOnTopic(onTopic)]);
  }

  private async deliver(url: string, replies: CommandReply[]): Promise<void> {
    const body = JSON.stringify({ replies } satisfies CommandReplyBatch);
    let lastError = '';
    for (let attempt = 1; attempt <= 2; attempt++) {
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...this.callHeaders },
          body,
          signal: AbortSignal.timeout(HTTP_DELIVERY_TIMEOUT_MS),
        });
        await res.arrayBuffer().catch(() => undefined);
        // 404: that instance is gone (restarted); nobody waits for these replies any more.
        if (res.ok || res.status === 404) return;
        lastError = `answered ${res.status}`;
      } catch (err) {
        lastError = (err as Error).message;
      }
    }
    this.log?.warn('decisions could not be delivered to the waiting gateway instance; its clients get 503 after the decision timeout', {
      url: url.replace(/[^/]+$/, '…'),
      replies: replies.length,
      error: lastError,
    });
  }

  private async sendOnTopic(replies: Array<OutgoingReply & { replyTo: string }>): Promise<void> {
    const records = replies.map((r) => ({
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
