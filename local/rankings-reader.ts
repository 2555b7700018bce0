import type { RankingStore } from '../functions/ports/store';
import { TABLE_NAME } from './home';
import { localEmulators, READ_ONLY_SERVICES } from './serve-info';

/** What the read-only commands ask of the ranking store. */
export type RankingReader = Pick<RankingStore, 'listQuarters'>;

/** The SDK client and the store adapter: loaded while DynamoDB Local's JVM starts. */
async function loadStore() {
  const [{ createDynamoDbClient }, { DynamoRankingStore }] = await Promise.all([
    import('../functions/commons/clients'),
    import('../functions/store/dynamo-ranking-store'),
  ]);
  return { createDynamoDbClient, DynamoRankingStore };
}

function errorName(error: unknown): string | undefined {
  return (error as { name?: string } | null)?.name;
}

/**
 * What `rankings` and `history` read: the same ranking store adapter the handlers use, on a
 * running `serve`'s DynamoDB Local or on one started alone, without composing the rest of local
 * mode (its queues, stream reader and every handler), which a read does not touch.
 */
export async function openRankings(home: string, quiet: boolean): Promise<{ rankings: RankingReader; stop(): Promise<void> }> {
  // The JVM's start is most of a cold read: it begins first, and the SDK loads meanwhile.
  const [started, loaded] = await Promise.allSettled([localEmulators(home, { quiet, services: READ_ONLY_SERVICES }), loadStore()]);
  if (started.status === 'rejected') throw started.reason;
  const emulators = started.value;
  try {
    if (loaded.status === 'rejected') throw loaded.reason;
    const { createDynamoDbClient, DynamoRankingStore } = loaded.value;
    const client = createDynamoDbClient({ endpoints: { dynamodb: emulators.endpoints.dynamodb } });
    const store = new DynamoRankingStore(client, TABLE_NAME);
    return {
      // A read makes no table: a home that never ingested anything has none, so nothing is stored.
      rankings: {
        listQuarters: (source) =>
          store.listQuarters(source).catch((error: unknown) => {
            if (errorName(error) === 'ResourceNotFoundException') return [];
            throw error;
          }),
      },
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
