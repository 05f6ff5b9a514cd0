import type { DataSource, EntityManager } from 'typeorm';
import { claimMessages } from '@app/messaging';
import type { AuditPartitions, PartitionedTable } from './audit-partitions';
import { ChangeRepository } from './change.repository';
import { RequestRepository } from './request.repository';
import { RollupRepository } from './rollup.repository';
import { TenantRepository } from './tenant.repository';

/** The repositories of one unit of work: all on one transaction, or all on the pool for reads. */
export interface AuditRepositories {
  requests: RequestRepository;
  changes: ChangeRepository;
  tenants: TenantRepository;
  rollups: RollupRepository;
  /** Claims message ids for a consumer (processed_messages); returns those not claimed before. */
  claim(consumer: string, ids: readonly string[]): Promise<Set<string>>;
}

/**
 * The audit store as services see it: repositories for reads, a transaction that hands them out
 * bound to one connection for writes, and the partitions a write needs first.
 */
export interface AuditStore {
  readonly read: AuditRepositories;
  transaction<T>(work: (repositories: AuditRepositories) => Promise<T>): Promise<T>;
  ensurePartitions(table: PartitionedTable, instants: Iterable<Date>): Promise<void>;
}

function repositoriesOn(manager: EntityManager): AuditRepositories {
  return {
    requests: new RequestRepository(manager),
    changes: new ChangeRepository(manager),
    tenants: new TenantRepository(manager),
    rollups: new RollupRepository(manager),
    claim: (consumer, ids) => claimMessages(manager, consumer, [...ids]),
  };
}

export class PostgresAuditStore implements AuditStore {
  readonly read: AuditRepositories;

  constructor(
    private readonly dataSource: DataSource,
    private readonly partitions: AuditPartitions,
  ) {
    this.read = repositoriesOn(dataSource.manager);
  }

  transaction<T>(work: (repositories: AuditRepositories) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((tx) => work(repositoriesOn(tx)));
  }

  ensurePartitions(table: PartitionedTable, instants: Iterable<Date>): Promise<void> {
    return this.partitions.ensureFor(table, instants);
  }
}
