import { Column, Entity, PrimaryColumn } from 'typeorm';
import { AUDIT_SERVICE_ENTITIES, AUDIT_SERVICE_MIGRATIONS } from '../../apps/audit-log-service/src/audit-log-service.definition';
import { GROUP_SERVICE_ENTITIES, GROUP_SERVICE_MIGRATIONS } from '../../apps/group-membership-service/src/group-membership-service.definition';
import { GATEWAY_ENTITIES, GATEWAY_MIGRATIONS } from '../../apps/scim-gateway/src/scim-gateway.definition';
import { USER_SERVICE_ENTITIES, USER_SERVICE_MIGRATIONS } from '../../apps/user-service/src/user-service.definition';
import { openDatabase, pendingSchemaChanges } from '@app/persistence';
import { OutboxRecord, ProcessedMessage } from '@app/messaging';
import { dropTestDatabase, testDatabaseUrl } from './support/databases';
import { readInfra } from './support/test-infra';

/** CI fails when an entity changes without a migration: the migrated schema must be exactly what the entities describe. */
const infra = readInfra();
const services = [
  ['scim-gateway', GATEWAY_ENTITIES, GATEWAY_MIGRATIONS],
  ['user-service', USER_SERVICE_ENTITIES, USER_SERVICE_MIGRATIONS],
  ['group-membership-service', GROUP_SERVICE_ENTITIES, GROUP_SERVICE_MIGRATIONS],
  ['audit-log-service', AUDIT_SERVICE_ENTITIES, AUDIT_SERVICE_MIGRATIONS],
] as const;

describe('entities and migrations agree', () => {
  it.each(services)('%s: after its migrations, its entities need no further schema change', async (name, entities, migrations) => {
    const url = testDatabaseUrl(infra.postgresUrl, name.replace(/-/g, '_'));
    const dataSource = await openDatabase({ url, entities: [...entities], migrations: [...migrations] });
    try {
      expect(await pendingSchemaChanges(dataSource)).toEqual([]);
      // Migrations are also reversible, down to an empty schema.
      for (let i = 0; i < migrations.length; i++) await dataSource.undoLastMigration({ transaction: 'each' });
      const tables = await dataSource.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'schema_migrations'`);
      expect(tables).toEqual([]);
    } finally {
      await dataSource.destroy();
      await dropTestDatabase(url);
    }
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
    const url = testDatabaseUrl(infra.postgresUrl, 'drift');
    const dataSource = await openDatabase({
      url,
      entities: [OutboxWithExtraColumn, ProcessedMessage, NeverMigrated],
      migrations: [...USER_SERVICE_MIGRATIONS],
    });
    try {
      const pending = await pendingSchemaChanges(dataSource);
      expect(pending.some((sql) => /ALTER TABLE "outbox" ADD "priority"/.test(sql))).toBe(true);
      expect(pending.some((sql) => /CREATE TABLE "drift_only"/.test(sql))).toBe(true);
    } finally {
      await dataSource.destroy();
      await dropTestDatabase(url);
    }
  });
});
