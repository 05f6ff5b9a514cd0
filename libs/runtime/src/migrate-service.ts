import { ServiceBaseConfig } from '@app/config';
import { openDatabase, redactUrl } from '@app/persistence';
import type { ServiceDefinition } from './bootstrap-service';
import { serviceLogger } from './service-logger';

/**
 * The `migrate` mode of a service process: creates the service's database if missing and applies
 * its pending migrations (serialised with other instances by the same advisory lock as at
 * start-up), then closes. Needs only the database: Kafka and HTTP are never touched. Returns the
 * names of every migration the database now has, oldest first.
 */
export async function migrateService<C extends ServiceBaseConfig>(def: ServiceDefinition<C>): Promise<string[]> {
  const log = serviceLogger(def.name, def.config).child('migrate');
  log.info('migrating', { database: redactUrl(def.config.DATABASE_URL) });
  const dataSource = await openDatabase({
    url: def.config.DATABASE_URL,
    entities: def.entities,
    migrations: def.migrations,
    poolSize: 2, // the advisory lock holds one connection while the migrations run on another
    applicationName: `${def.name}-migrate`,
  });
  try {
    const rows: Array<{ name: string }> = await dataSource.query('SELECT name FROM schema_migrations ORDER BY id');
    const applied = rows.map((r) => r.name);
    log.info('migrations applied', { migrations: applied });
    return applied;
  } finally {
    await dataSource.destroy();
  }
}
