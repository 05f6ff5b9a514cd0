import { ProcessedMessage, ProcessedMessagesPruner } from '@app/messaging';
import { JsonLogger } from '@app/observability';
import { openDatabase } from '@app/persistence';
import { USER_SERVICE_MIGRATIONS } from '../../apps/user-service/src/user-service.definition';
import { dropTestDatabase, testDatabaseUrl } from './support/databases';
import { readInfra } from './support/test-infra';

describe('ProcessedMessagesPruner on real Postgres', () => {
  it('deletes only ids older than the retention, in chunks', async () => {
    const url = testDatabaseUrl(readInfra().postgresUrl, 'pruner');
    const dataSource = await openDatabase({ url, entities: [ProcessedMessage], migrations: [...USER_SERVICE_MIGRATIONS] });
    try {
      await dataSource.query(
        `INSERT INTO processed_messages (consumer, message_id, processed_at)
         SELECT 'c', 'old-' || i, now() - interval '40 days' FROM generate_series(1, 25) i
         UNION ALL SELECT 'c', 'new-' || i, now() - interval '1 day' FROM generate_series(1, 5) i`,
      );
      const logger = new JsonLogger('test', 'error').child('pruner');
      const pruner = new ProcessedMessagesPruner(dataSource, 31 * 24 * 3_600_000, logger, 60_000, 10);
      expect(await pruner.pruneOnce()).toBe(25);
      const left = await dataSource.query(`SELECT message_id FROM processed_messages ORDER BY message_id`);
      expect(left.map((r: { message_id: string }) => r.message_id)).toEqual(['new-1', 'new-2', 'new-3', 'new-4', 'new-5']);
      expect(await pruner.pruneOnce()).toBe(0);
    } finally {
      await dataSource.destroy();
      await dropTestDatabase(url);
    }
  });
});
