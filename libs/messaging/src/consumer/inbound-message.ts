import type { KafkaMessage } from 'kafkajs';
import { BaseRpcContext } from '@nestjs/microservices';

/** A record as handlers see it: parsed, validated value plus its coordinates and headers. */
export interface InboundMessage<P = unknown> {
  /** Logical topic name (without the deployment's prefix). */
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  headers: Record<string, string>;
  value: P;
  /** From the `message-id` header, else topic/partition/offset (unique either way). */
  messageId: string;
  correlationId?: string;
  /**
   * The W3C trace context headers of this record's processing span (child of the sender's
   * `traceparent`), set while its handler runs: what the record causes (events, replies) carries
   * them on, so one trace follows a command through every hop.
   */
  trace?: Record<string, string>;
  raw: KafkaMessage;
}

/** Context argument of per-message `@EventPattern` handlers. */
export class KafkaBatchContext extends BaseRpcContext<[InboundMessage]> {
  get message(): InboundMessage {
    return this.args[0];
  }
}

export function headersOf(message: KafkaMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (value === undefined) continue;
    const first = Array.isArray(value) ? value[0] : value;
    out[name] = Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
  }
  return out;
}
