import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Tenant } from '../tenants/tenant.entity';

/**
 * An OAuth 2.0 client of a tenant (RFC 6749 §2): its id is the `client_id`, only the SHA-256 of
 * its secret is stored; the secret is shown once, when issued.
 */
@Entity({ name: 'oauth_clients' })
export class OAuthClient {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('oauth_clients_tenant_idx')
  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId: string;

  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'FK_oauth_clients_tenant' })
  tenant?: Tenant;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ name: 'secret_hash', type: 'char', length: 64 })
  secretHash: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  /** When the token endpoint last issued this client an access token. */
  @Column({ name: 'last_token_at', type: 'timestamptz', nullable: true })
  lastTokenAt: Date | null;
}
