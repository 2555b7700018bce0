import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * The single DynamoDB table of detainer-watch. The CDK stack and local mode both build it from
 * these constants, so the two cannot drift.
 *
 * | item               | pk                          | sk                 | gsi1pk                 | gsi1sk                          |
 * |--------------------|-----------------------------|--------------------|------------------------|---------------------------------|
 * | source state       | `SOURCE#<source>`           | `STATE`            |                        |                                 |
 * | release            | `SOURCE#<source>`           | `RELEASE#<sha256>` | `RELEASES`             | `<firstSeen>#<source>#<sha256>` |
 * | quarter head       | `QUARTER#<source>#<quarter>`| `HEAD`             | `QUARTERS`             | `<source>#<quarter>`            |
 * | quarter version    | `QUARTER#<source>#<quarter>`| `V#<0000000001>`   |                        |                                 |
 * | change record      | `CHANGE#<changeId>`         | `CHANGE`           | `CHANGES#PENDING` (*)  | `<createdAt>#<changeId>`        |
 * | change body part   | `CHANGE#<changeId>`         | `PART#<000>`       |                        |                                 |
 * | subscriber         | `SUBSCRIBER#<email>`        | `SUBSCRIBER`       | `SUBSCRIBERS#<status>` | `<email>`                       |
 * | send (log)         | `SEND#<changeId>`           | `<email>`          | `SENDS#<status>`       | `<changeId>#<email>`            |
 * | subscriber link id | `SUBSCRIBER-ID#<id>`        | `SUBSCRIBER-ID`    |                        |                                 |
 * | rate-limit window  | `RATE#<key>`                | `<windowStart>`    |                        |                                 | (TTL)
 *
 * (*) sparse: removed when the change is notified, so pending changes are one Query, never a Scan.
 *
 * Quarter versions hold their rows gzip-compressed in a Binary attribute (a few thousand rows
 * stay far below the 400 KB item limit); the head is the optimistic-locking pointer. A release
 * writes two items per quarter that changed and none for an unchanged one.
 *
 * In AWS the table's stream (NEW_IMAGE) drives notify: filter on `sk = "CHANGE"` (or
 * `type = "change"`) and `eventName = INSERT`. Send-log items expire through TTL on `expiresAt`
 * (epoch seconds).
 */
export const TABLE_KEYS = {
  partitionKey: 'pk',
  sortKey: 'sk',
  gsi1: { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  ttlAttribute: 'expiresAt',
} as const;

export const STREAM_VIEW_TYPE = 'NEW_IMAGE' as const;

/** How a change record looks in a stream record, for the event-source filter and the handler. */
export const CHANGE_ITEM = { sk: 'CHANGE', type: 'change', pkPrefix: 'CHANGE#' } as const;

/** Send-log items are kept this long, then TTL removes them. */
export const SEND_LOG_RETENTION_DAYS = 400;

/** The table as DynamoDB Local creates it (the CDK stack declares the same keys and index). */
export function createTableInput(tableName: string): CreateTableCommandInput {
  const { partitionKey, sortKey, gsi1 } = TABLE_KEYS;
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: partitionKey, AttributeType: 'S' },
      { AttributeName: sortKey, AttributeType: 'S' },
      { AttributeName: gsi1.partitionKey, AttributeType: 'S' },
      { AttributeName: gsi1.sortKey, AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: partitionKey, KeyType: 'HASH' },
      { AttributeName: sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: gsi1.indexName,
        KeySchema: [
          { AttributeName: gsi1.partitionKey, KeyType: 'HASH' },
          { AttributeName: gsi1.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
    StreamSpecification: { StreamEnabled: true, StreamViewType: STREAM_VIEW_TYPE },
  };
}

export const keys = {
  sourceState: (source: string) => ({ pk: `SOURCE#${source}`, sk: 'STATE' }),
  release: (source: string, sha256: string) => ({ pk: `SOURCE#${source}`, sk: `RELEASE#${sha256}` }),
  quarterHead: (source: string, quarter: string) => ({ pk: `QUARTER#${source}#${quarter}`, sk: 'HEAD' }),
  quarterVersion: (source: string, quarter: string, version: number) => ({
    pk: `QUARTER#${source}#${quarter}`,
    sk: `V#${String(version).padStart(10, '0')}`,
  }),
  change: (id: string) => ({ pk: `${CHANGE_ITEM.pkPrefix}${id}`, sk: CHANGE_ITEM.sk }),
  changePart: (id: string, part: number) => ({ pk: `${CHANGE_ITEM.pkPrefix}${id}`, sk: `PART#${String(part).padStart(3, '0')}` }),
  subscriber: (email: string) => ({ pk: `SUBSCRIBER#${email.toLowerCase()}`, sk: 'SUBSCRIBER' }),
  send: (changeId: string, email: string) => ({ pk: `SEND#${changeId}`, sk: email.toLowerCase() }),
  subscriberId: (id: string) => ({ pk: `SUBSCRIBER-ID#${id}`, sk: 'SUBSCRIBER-ID' }),
  rateWindow: (key: string, windowStart: number) => ({ pk: `RATE#${key}`, sk: String(windowStart) }),
};
