import { createDynamoDbClient } from '../functions/commons/clients';
import type { RankingStore } from '../functions/ports/store';
import { DynamoRankingStore } from '../functions/store/dynamo-ranking-store';
import { ensureTable } from './emulators';
import { TABLE_NAME } from './home';
import { localEmulators, READ_ONLY_SERVICES } from './serve-info';

/**
 * What `rankings` and `history` read: the same ranking store adapter the handlers use, on a
 * running `serve`'s DynamoDB Local or on one started alone, without composing the rest of local
 * mode (its queues, stream reader and every handler), which a read does not touch.
 */
export async function openRankings(home: string, quiet: boolean): Promise<{ rankings: RankingStore; stop(): Promise<void> }> {
  const emulators = await localEmulators(home, { quiet, services: READ_ONLY_SERVICES });
  try {
    const client = createDynamoDbClient({ endpoints: { dynamodb: emulators.endpoints.dynamodb } });
    await ensureTable(client, TABLE_NAME);
    return {
      rankings: new DynamoRankingStore(client, TABLE_NAME),
      stop: async () => {
        client.destroy();
        await emulators.stop();
      },
    };
  } catch (error) {
    await emulators.stop();
    throw error;
  }
}
