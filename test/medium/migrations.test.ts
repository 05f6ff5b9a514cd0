import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Column, DataSource, Entity, MigrationInterface, PrimaryColumn, QueryRunner } from 'typeorm';
import { AUDIT_SERVICE_ENTITIES, AUDIT_SERVICE_MIGRATIONS } from '../../apps/audit-log-service/src/audit-log-service.definition';
import { GROUP_SERVICE_ENTITIES, GROUP_SERVICE_MIGRATIONS } from '../../apps/group-membership-service/src/group-membership-service.definition';
import { GATEWAY_ENTITIES, GATEWAY_MIGRATIONS } from '../../apps/scim-gateway/src/scim-gateway.definition';
import { USER_SERVICE_ENTITIES, USER_SERVICE_MIGRATIONS } from '../../apps/user-service/src/user-service.definition';
import { describeSchema, openDatabase, pendingSchemaChanges, schemaDifferences } from '@app/persistence';
import { OutboxRecord, ProcessedMessage } from '@app/messaging';
import { dropTestDatabase, testDatabaseUrl } from './support/databases';
import { readInfra } from './support/test-infra';

/**
 * CI fails when a migration and the schema the service expects part ways, for every table:
 * - each service's migrations, run on an empty database, give exactly its committed schema
 *   snapshot (`apps/<service>/src/migrations/schema-snapshot.txt`, see describeSchema), which
 *   covers every table, column, constraint, index, trigger and function, entity or not;
 * - its entities need no further schema change (an entity changed without a migration);
 * - its migrations are reversible, down to an empty schema;
 * - and, per service, a migration with one deliberately wrong column is caught.
 * After a deliberate schema change, `npm run schema:snapshot` rewrites the snapshots for review.
 */
const infra = readInfra();
const ROOT = join(__dirname, '..', '..');
const UPDATE = process.env.UPDATE_SCHEMA_SNAPSHOTS === '1';

type Migrations = ReadonlyArray<new () => MigrationInterface>;
/** An entity class, as TypeORM takes them. */
type EntityClass = abstract new (...args: never[]) => unknown;

interface ServiceSchema {
  name: string;
  entities: readonly EntityClass[];
  migrations: Migrations;
  /** A column of one of the service's own tables, and a wrong version of it. */
  wrongColumn: { table: string; column: string; wrong: string; right: string };
}

const services: ServiceSchema[] = [
  {
    name: 'scim-gateway',
    entities: GATEWAY_ENTITIES,
    migrations: GATEWAY_MIGRATIONS,
    wrongColumn: { table: 'tenant_tokens', column: 'token_hash', wrong: 'TYPE varchar(64)', right: 'TYPE char(64)' },
  },
  {
    name: 'user-service',
    entities: USER_SERVICE_ENTITIES,
    migrations: USER_SERVICE_MIGRATIONS,
    wrongColumn: { table: 'users', column: 'user_name', wrong: 'TYPE varchar(300)', right: 'TYPE text' },
  },
  {
    name: 'group-membership-service',
    entities: GROUP_SERVICE_ENTITIES,
    migrations: GROUP_SERVICE_MIGRATIONS,
    wrongColumn: { table: 'memberships', column: 'member_id', wrong: 'TYPE text', right: 'TYPE uuid USING member_id::uuid' },
  },
  {
    name: 'audit-log-service',
    entities: AUDIT_SERVICE_ENTITIES,
    migrations: AUDIT_SERVICE_MIGRATIONS,
    wrongColumn: { table: 'audit_changes', column: 'display_name', wrong: 'TYPE varchar(200)', right: 'TYPE text' },
  },
];

const snapshotFile = (service: string) => join(ROOT, 'apps', service, 'src', 'migrations', 'schema-snapshot.txt');

/** The service's migrations with one more at the end that alters one column the wrong way. */
function withWrongColumn(service: ServiceSchema): Migrations {
  const { table, column, wrong, right } = service.wrongColumn;
  class WrongColumn9999999999999 implements MigrationInterface {
    name = 'WrongColumn9999999999999';
    async up(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(`ALTER TABLE ${table} ALTER COLUMN ${column} ${wrong}`);
    }
    async down(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(`ALTER TABLE ${table} ALTER COLUMN ${column} ${right}`);
    }
  }
  return [...service.migrations, WrongColumn9999999999999];
}

/** Runs `check` on a fresh database migrated by `migrations`, with its schema described; drops the database after. */
async function migratedSchema(
  label: string,
  entities: readonly EntityClass[],
  migrations: Migrations,
  check: (schema: string, dataSource: DataSource, undoAll: () => Promise<string[]>) => Promise<void>,
) {
  const url = testDatabaseUrl(infra.postgresUrl, label.replace(/-/g, '_'));
  const dataSource = await openDatabase({ url, entities: [...entities], migrations: [...migrations] });
  try {
    const undoAll = async () => {
      for (let i = 0; i < migrations.length; i++) await dataSource.undoLastMigration({ transaction: 'each' });
      return await dataSource.query<string[]>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'schema_migrations'`);
    };
    await check(await describeSchema(dataSource), dataSource, undoAll);
  } finally {
    await dataSource.destroy();
    await dropTestDatabase(url);
  }
}

describe('migrations, schema snapshots and entities agree', () => {
  it.each(services.map((s) => [s.name, s] as const))('%s: its migrations give its committed schema, its entities need nothing more, and they undo', async (name, service) => {
    await migratedSchema(name, service.entities, service.migrations, async (schema, dataSource, undoAll) => {
      if (UPDATE) writeFileSync(snapshotFile(name), schema);
      expect(schemaDifferences(readFileSync(snapshotFile(name), 'utf8'), schema)).toEqual([]);
      expect(await pendingSchemaChanges(dataSource)).toEqual([]);
      expect(await undoAll()).toEqual([]);
    });
  });

  it.each(services.map((s) => [s.name, s] as const))('%s: a migration with a wrong column is caught, naming the column', async (name, service) => {
    await migratedSchema(`${name}-wrong`, service.entities, withWrongColumn(service), async (schema) => {
      const differences = schemaDifferences(readFileSync(snapshotFile(name), 'utf8'), schema);
      const { table, column } = service.wrongColumn;
      expect(differences).toContainEqual(expect.stringMatching(new RegExp(`^- column ${table}\\.${column} `)));
      expect(differences).toContainEqual(expect.stringMatching(new RegExp(`^\\+ column ${table}\\.${column} `)));
    });
  });

  it('notices an entity whose change has no migration', async () => {
    @Entity({ name: 'outbox' })
    class OutboxWithExtraColumn extends OutboxRecord {
      @Column({ type: 'varchar', length: 20, nullable: true })
      priority: string | null;
    }
    @Entity({ name: 'drift_only' })
    class NeverMigrated {
      @PrimaryColumn({ type: 'int' })
      id: number;
    }
    await migratedSchema('drift', [OutboxWithExtraColumn, ProcessedMessage, NeverMigrated], USER_SERVICE_MIGRATIONS, async (_schema, dataSource) => {
      const pending = await pendingSchemaChanges(dataSource);
      expect(pending.some((sql) => /ALTER TABLE "outbox" ADD "priority"/.test(sql))).toBe(true);
      expect(pending.some((sql) => /CREATE TABLE "drift_only"/.test(sql))).toBe(true);
    });
  });
});
