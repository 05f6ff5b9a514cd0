import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One SCIM User of one tenant. `resource` is the whole document as replied and published; the
 * other columns copy what queries look up, sort on or keep unique, so those stay index scans.
 */
@Entity({ name: 'users' })
// Unique per tenant ignoring case (RFC 7643 §4.1). An expression index TypeORM cannot describe,
// so the migration owns it and schema comparison leaves it alone.
@Index('users_tenant_user_name_key', { synchronize: false })
@Index('users_tenant_external_id_idx', ['tenantId', 'externalId'])
export class UserEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'varchar', length: 200, primaryKeyConstraintName: 'PK_users' })
  tenantId: string;

  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_users' })
  id: string;

  @Column({ name: 'user_name', type: 'text' })
  userName: string;

  @Column({ name: 'external_id', type: 'text', nullable: true })
  externalId: string | null;

  @Column({ name: 'display_name', type: 'text', nullable: true })
  displayName: string | null;

  @Column({ type: 'boolean', nullable: true })
  active: boolean | null;

  @Column({ type: 'jsonb' })
  resource: Record<string, unknown>;

  @Column({ type: 'integer' })
  version: number;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'last_modified', type: 'timestamptz' })
  lastModified: Date;
}
