import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * The reply each command got, written in the transaction that decided it: a redelivered
 * command re-sends this instead of being decided again against a state it already changed.
 */
@Entity({ name: 'command_replies' })
@Index('command_replies_created_at_idx', ['createdAt'])
export class CommandReplyRecord {
  @PrimaryColumn({ name: 'command_id', type: 'varchar', length: 200, primaryKeyConstraintName: 'PK_command_replies' })
  commandId: string;

  @Column({ name: 'tenant_id', type: 'varchar', length: 200 })
  tenantId: string;

  @Column({ type: 'jsonb' })
  reply: Record<string, unknown>;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
