import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One Entra enterprise application provisioning into us: its own tokens, limits and connector profile. */
@Entity({ name: 'tenants' })
export class Tenant {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 200, unique: true })
  name: string;

  /** Connector profile: extensions, rate limits, create-only attributes, group rules (see docs). */
  @Column({ type: 'jsonb', default: () => "'{}'::jsonb" })
  profile: Record<string, unknown>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
