import type { RankingStore } from '../functions/ports/store';
import { TABLE_NAME } from './home';
import { localEmulators, READ_ONLY_SERVICES } from './serve-info';

/** The SDK client, the store adapter and table provisioning: loaded while DynamoDB Local's JVM starts. */
async function loadStore() {
  const [{ createDynamoDbClient }, { DynamoRankingStore }, { ensureTable }] = await Promise.all([
    import('../functions/commons/clients'),
    import('../functions/store/dynamo-ranking-store'),
    import('./provision'),
  ]);
  return { createDynamoDbClient, DynamoRankingStore, ensureTable };
}

/**
 * What `rankings` and `history` read: the same ranking store adapter the handlers use, on a
 * running `serve`'s DynamoDB Local or on one started alone, without composing the rest of local
 * mode (its queues, stream reader and every handler), which a read does not touch.
 */
export async function openRankings(home: string, quiet: boolean): Promise<{ rankings: RankingStore; stop(): Promise<void> }> {
  // The JVM's start is most of a cold read: it begins first, and the SDK loads meanwhile.
  const [started, loaded] = await Promise.allSettled([localEmulators(home, { quiet, services: READ_ONLY_SERVICES }), loadStore()]);
  if (started.status === 'rejected') throw started.reason;
  const emulators = started.value;
  try {
    if (loaded.status === 'rejected') throw loaded.reason;
    const { createDynamoDbClient, DynamoRankingStore, ensureTable } = loaded.value;
    const client = createDynamoDbClient({ endpoints: { dynamodb: emulators.endpoints.dynamodb } });
    // A running serve made the table when it started; a home read for the first time has none yet.
    if (!emulators.reused) await ensureTable(client, TABLE_NAME);
    return {
      rankings: new DynamoRankingStore(client, TABLE_NAME),
      stop: async () => {
        client.destroy();
        await emulators.stop({ now: true });
      },
    };
  } catch (error) {
    await emulators.stop();
    throw error;
  }
}
