import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Release } from '../domain/release';
import type { ReleaseStore, SourceState } from '../ports/store';
import { isConditionalCheckFailed } from './conflict-error';
import { queryAll } from './query-all';
import { keys, TABLE_KEYS } from './table-schema';

type Item = Record<string, unknown>;

/** Drop the table's own attributes (keys, index keys, type, tokens) from an item. */
export function withoutTableAttributes<T>(item: Item): T {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, type: _type, commitToken: _token, ...rest } = item;
  return rest as T;
}

export function releaseItem(release: Release, extra: Item = {}): Item {
  return {
    ...keys.release(release.source, release.sha256),
    type: 'release',
    gsi1pk: 'RELEASES',
    gsi1sk: `${release.firstSeen}#${release.source}#${release.sha256}`,
    ...release,
    ...extra,
  };
}

export class DynamoReleaseStore implements ReleaseStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getSourceState(source: string): Promise<SourceState | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.sourceState(source), ConsistentRead: true }),
    );
    return Item ? withoutTableAttributes<SourceState>(Item) : undefined;
  }

  async saveSourceState(state: SourceState): Promise<void> {
    await this.client.send(
      new PutCommand({ TableName: this.tableName, Item: { ...keys.sourceState(state.source), type: 'source-state', ...state } }),
    );
  }

  async getRelease(source: string, sha256: string): Promise<Release | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.release(source, sha256), ConsistentRead: true }),
    );
    return Item ? withoutTableAttributes<Release>(Item) : undefined;
  }

  /**
   * A retried put whose first attempt took effect fails its condition against itself; the stored
   * `firstSeen` and `url` then equal ours, which no other attempt can produce, so it is 'created'.
   */
  async recordRelease(release: Release): Promise<'created' | 'exists'> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: releaseItem(release),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return 'created';
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      const stored = await this.getRelease(release.source, release.sha256);
      return stored && stored.firstSeen === release.firstSeen && stored.url === release.url ? 'created' : 'exists';
    }
  }

  async setReleaseStatus(source: string, sha256: string, status: Release['status'], reason?: string): Promise<void> {
    await this.client
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.release(source, sha256),
          ConditionExpression: 'attribute_exists(pk)',
          UpdateExpression: reason === undefined ? 'SET #status = :status REMOVE #reason' : 'SET #status = :status, #reason = :reason',
          ExpressionAttributeNames: { '#status': 'status', '#reason': 'reason' },
          ExpressionAttributeValues: { ':status': status, ...(reason === undefined ? {} : { ':reason': reason }) },
        }),
      )
      .catch((error: unknown) => {
        if (isConditionalCheckFailed(error)) throw new Error(`no release ${source}/${sha256} to mark ${status}`);
        throw error;
      });
  }

  /** Oldest first (by `firstSeen`). */
  async listReleases(source?: string): Promise<Release[]> {
    const items = source
      ? await queryAll(this.client, {
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': keys.sourceState(source).pk, ':prefix': 'RELEASE#' },
          ConsistentRead: true,
        })
      : await queryAll(this.client, {
          TableName: this.tableName,
          IndexName: TABLE_KEYS.gsi1.indexName,
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': 'RELEASES' },
        });
    return items
      .map((item) => withoutTableAttributes<Release>(item))
      .sort((a, b) => a.firstSeen.localeCompare(b.firstSeen) || a.sha256.localeCompare(b.sha256));
  }
}
