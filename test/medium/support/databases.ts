import { dropDatabase, withDatabase } from '@app/persistence';
import { uniqueId } from './names';

/** A database URL on the test server with a name no other run uses; drop it with dropTestDatabase. */
export function testDatabaseUrl(serverUrl: string, label: string): string {
  return withDatabase(serverUrl, uniqueId(`t_${label}`).toLowerCase());
}

export async function dropTestDatabase(url: string): Promise<void> {
  await dropDatabase(url);
}
