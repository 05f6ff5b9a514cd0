import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One Entra enterprise application provisioning into us: its own tokens, limits and connector profile. */
@Entity({ name: 'tenants' })
export class Tenant {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('tenants_name_key', { unique: true })
  @Column({ type: 'varchar', length: 200 })
  name: string;

  /** Connector profile: extensions, rate limits, create-only attributes, group rules (see docs). */
  @Column({ type: 'jsonb' })
  profile: Record<string, unknown>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
