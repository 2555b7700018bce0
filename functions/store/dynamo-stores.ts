import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoRankingStore } from './dynamo-ranking-store';
import { DynamoReleaseStore } from './dynamo-release-store';
import { DynamoSendLog } from './dynamo-send-log';
import { DynamoSubscriberStore } from './dynamo-subscriber-store';

/** Every DynamoDB-backed port over one table, for handlers and the local runtime. */
export function createStores(client: DynamoDBDocumentClient, tableName: string) {
  return {
    releases: new DynamoReleaseStore(client, tableName),
    rankings: new DynamoRankingStore(client, tableName),
    subscribers: new DynamoSubscriberStore(client, tableName),
    sendLog: new DynamoSendLog(client, tableName),
  };
}

export type Stores = ReturnType<typeof createStores>;
