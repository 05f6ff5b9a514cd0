import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Tenant } from './tenant.entity';

/** A bearer token of a tenant. Only its SHA-256 is stored; the secret is shown once, at issue. */
@Entity({ name: 'tenant_tokens' })
export class TenantToken {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('tenant_tokens_tenant_idx')
  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'FK_tenant_tokens_tenant' })
  tenant?: Tenant;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Index('tenant_tokens_hash_key', { unique: true })
  @Column({ name: 'token_hash', type: 'char', length: 64 })
  tokenHash: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null;
}
