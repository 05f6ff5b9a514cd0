import { DataSource, EntitySchema, MixedList } from 'typeorm';
import { ADVISORY_LOCK_NAMESPACE, AdvisoryLocks } from './advisory-locks';
import { ensureDatabase } from './database-url';
import { TypeOrmJsonLogger, type LogLineWriter } from './typeorm-json-logger';

export interface DatabaseOptions {
  url: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
  poolSize?: number;
  applicationName?: string;
  /** Postgres statement_timeout of every pooled connection (ms); none when absent. Migrations run without it. */
  statementTimeoutMs?: number;
  /** Where TypeORM's lines (failed and slow queries, migrations) go; JSON on stdout when absent. */
  log?: LogLineWriter;
}

/**
 * A TypeORM data source that never changes the schema by itself: `synchronize` is off and the
 * schema comes only from the committed migrations.
 */
export function createDataSource(options: DatabaseOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    entities: options.entities,
    migrations: options.migrations,
    synchronize: false,
    migrationsRun: false,
    migrationsTableName: 'schema_migrations',
    logging: ['error', 'warn', 'migration'],
    logger: new TypeOrmJsonLogger(options.applicationName ?? 'service', undefined, options.log),
    maxQueryExecutionTime: 1000,
    extra: {
      max: options.poolSize ?? 10,
      application_name: options.applicationName,
      connectionTimeoutMillis: 5000,
      ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}),
    },
  });
}

/**
 * What a service does at start-up: create its database if missing, connect, and apply every
 * pending migration (each in its own transaction; a failing migration stops the start).
 */
export async function openDatabase(options: DatabaseOptions): Promise<DataSource> {
  await ensureDatabase(options.url);
  // Migrations may rewrite a large table: they run on a pool of their own without the statement timeout.
  const migrating = createDataSource({ ...options, statementTimeoutMs: undefined, poolSize: 2 });
  await migrating.initialize();
  // Instances starting together take turns: the first migrates, the others find nothing pending.
  const lock = migrating.createQueryRunner();
  try {
    await lock.query('SELECT pg_advisory_lock($1, $2)', [ADVISORY_LOCK_NAMESPACE, AdvisoryLocks.migrations]);
    await migrating.runMigrations({ transaction: 'each' });
    await lock.query('SELECT pg_advisory_unlock($1, $2)', [ADVISORY_LOCK_NAMESPACE, AdvisoryLocks.migrations]);
  } finally {
    await lock.release();
    await migrating.destroy();
  }
  const dataSource = createDataSource(options);
  await dataSource.initialize();
  return dataSource;
}

/**
 * The SQL that TypeORM would still run to make the schema match the entities, after the
 * migrations ran. Empty when entities and migrations agree; a test asserts exactly that.
 */
export async function pendingSchemaChanges(dataSource: DataSource): Promise<string[]> {
  const sqlInMemory = await dataSource.driver.createSchemaBuilder().log();
  return sqlInMemory.upQueries.map((q) => q.query);
}
