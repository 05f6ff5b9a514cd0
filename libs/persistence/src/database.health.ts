import type { DataSource } from 'typeorm';

/** Readiness check: the service's database answers a trivial query. */
export function databaseReadinessCheck(dataSource: DataSource): { name: string; check(): Promise<void> } {
  return {
    name: 'database',
    async check() {
      await dataSource.query('SELECT 1');
    },
  };
}
