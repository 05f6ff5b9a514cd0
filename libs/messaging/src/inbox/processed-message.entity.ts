import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Ids of the messages a consumer has applied, stored in the same transaction as their effects:
 * a redelivered message finds its id here and changes nothing.
 */
@Entity({ name: 'processed_messages' })
export class ProcessedMessage {
  @PrimaryColumn({ type: 'varchar', length: 200 })
  consumer: string;

  @PrimaryColumn({ name: 'message_id', type: 'varchar', length: 200 })
  messageId: string;

  @Column({ name: 'processed_at', type: 'timestamptz', default: () => 'now()' })
  processedAt: Date;
}
